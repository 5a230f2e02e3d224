#!/usr/bin/env bash
# JMH benchmarks of the native engine against ONNX Runtime (jmh/ module; see "JMH" in BENCHMARKS.md).
# Builds jmh/target/benchmarks.jar when it is missing or older than the sources, then runs it with
# every argument passed to JMH, e.g.:
#   bench/jmh.sh                                              # both benchmarks, the whole grid
#   bench/jmh.sh ForwardBenchmark -p hidden=256 -p batch=32   # part of one
#   bench/jmh.sh -h                                           # JMH's options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/jmh/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/jmh/src" "$here/jmh/pom.xml" "$here/core/src/main" "$here/core/converters" \
    "$here/core/pom.xml" "$here/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "jmh.sh: building the benchmarks (mvn package -pl jmh -am)..." >&2
  log="$(mktemp)"
  if ! (cd "$here" && mvn -q -B -DskipTests package -pl jmh -am) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
fi
exec java -jar "$jar" "$@"

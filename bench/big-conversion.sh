#!/usr/bin/env bash
# The conversion of a 170 MB network recorded in BENCHMARKS.md: a 2-layer bidirectional LSTM with
# input 1024 and hidden 1024 (42.5 M float32 parameters), saved by PyTorch, converted to
# safetensors by rnnport, then .pt -> .onnx and .safetensors -> .onnx, each timed RUNS times as a
# whole process (./rnnport, start-up included). Then each conversion once more in a JVM whose
# heap is capped at twice the file's size, with the GC log, to show it fits and how full the
# heap got. The files are made here, not kept (too big to commit).
# Needs /usr/bin/python3 with torch. Usage: bench/big-conversion.sh [RUNS] (default 5).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work/big.pt" <<'PY'
import sys, torch
torch.manual_seed(0)
torch.save(torch.nn.LSTM(1024, 1024, 2, bidirectional=True).state_dict(), sys.argv[1])
PY
"$here/rnnport" convert "$work/big.pt" "$work/big.safetensors" >/dev/null
ls -l "$work/big.pt" "$work/big.safetensors" | awk '{print $5, $NF}'

for src in big.pt big.safetensors; do
  times=()
  for _ in $(seq "$runs"); do
    rm -f "$work/out.onnx"
    start=$(date +%s.%N)
    "$here/rnnport" convert "$work/$src" "$work/out.onnx" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  echo "$src -> onnx, wall seconds of $runs runs: min $(echo "$sorted" | head -1)," \
    "median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p"), max $(echo "$sorted" | tail -1)"

  # Twice the file's size as the heap cap. rnnport's own read cap (a quarter of the heap by
  # default, counting 8 bytes per value read) is raised so that the heap, not the cap, is tested.
  size=$(stat -c %s "$work/$src")
  heap=$(( 2 * size / 1048576 ))m
  status=0
  java -Xmx"$heap" -Drnnport.maxReadBytes=4g -Xlog:gc:file="$work/gc.log" -Xlog:gc+heap+exit:file="$work/exit.log" \
    --add-modules jdk.incubator.vector -jar "$here/core/target/rnnport-0.1.0-SNAPSHOT-cli.jar" \
    convert "$work/$src" "$work/out.onnx" >"$work/out.log" 2>&1 || status=$?
  grep -v 'incubator modules' "$work/out.log" || true
  # Heap in use just before the fullest collection, and at exit (live data and garbage not yet collected).
  peak=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | sed 's/M->.*//' | sort -n | tail -1)
  at_exit=$(grep -oE 'heap +total [0-9]+K, used [0-9]+K' "$work/exit.log" | grep -oE '[0-9]+K$' | tr -d K)
  echo "$src -> onnx with -Xmx$heap: exit status $status; heap used before the fullest collection ${peak:-(no collection)}M," \
    "at exit $(( ${at_exit:-0} / 1024 ))M"
done

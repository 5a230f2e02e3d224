#!/usr/bin/env bash
# The streaming-step table in BENCHMARKS.md: one time step at batch 1 on one thread, LSTM and GRU,
# input 64, hidden 128 and 256, native stream against ONNX Runtime (best and ordinary use), one
# process per configuration. Usage: bench/stream.sh [bench options...]; CELLS, HIDDENS narrow it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for cell in ${CELLS:-lstm gru}; do
  for hidden in ${HIDDENS:-128 256}; do
    echo "== $cell hidden $hidden"
    "$here/rnnport" bench --stream --cell "$cell" --input-size 64 --hidden "$hidden" "$@"
  done
done

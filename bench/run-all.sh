#!/usr/bin/env bash
# The benchmark grid recorded in BENCHMARKS.md: LSTM and GRU, input 64, hidden 128/256/512,
# seq_len 100, batch 1 and 32, 1 and 2 threads, native against ONNX Runtime (add tensorflow with
# --backends native,onnxruntime,tensorflow) in one process per configuration.
# Usage: bench/run-all.sh [bench options...]; CELLS, HIDDENS, BATCHES, THREADS narrow the grid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header="$("$here/rnnport" bench --peak --iterations 1 --warmup 0 --hidden 16 --seq-len 2 --backends native | sed -n 2,3p)"
echo "$header"
# Every configuration reports % of this one measured peak.
peak="$(echo "$header" | sed -n 's/^peak: \([0-9.]*\) GFLOP.*/\1/p')"
for threads in ${THREADS:-1 2}; do
  for cell in ${CELLS:-lstm gru}; do
    for hidden in ${HIDDENS:-128 256 512}; do
      for batch in ${BATCHES:-1 32}; do
        echo "== $cell hidden $hidden batch $batch threads $threads"
        "$here/rnnport" bench --cell "$cell" --input-size 64 --hidden "$hidden" --seq-len 100 --batch "$batch" \
          --threads "$threads" ${peak:+--peak-gflops "$peak"} "$@" | tail -n +4
      done
    done
  done
done

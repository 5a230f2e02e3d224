package dev.rnnport.spark;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a mini-batch of independent sequences of any lengths through one network with the native
 * engine and splits the results back per sequence. Free of Spark, so the same code is measured
 * alone and inside a Spark task. Not thread-safe; one per task.
 */
public final class BatchScorer {
    private final RecurrentNetwork network;
    private final NetworkConfig config;
    private final NativeEngine engine;
    private final BatchStrategy strategy;
    private final boolean asFloat;

    public BatchScorer(RecurrentNetwork network, Precision precision, BatchStrategy strategy) {
        this.network = network;
        this.config = network.config();
        this.engine = new NativeEngine(precision);
        this.strategy = strategy;
        this.asFloat = precision == Precision.FLOAT32;
    }

    /**
     * Scores each sequence as if it were run alone.
     *
     * @param sequences checked sequences ({@link SequenceRows#problem} found nothing), each (seq_len, input_size)
     * @param valid     per sequence the number of leading valid steps (the rest count as padding), or null for all
     * @return one result per sequence, in order
     */
    public List<ScoredSequence> score(List<double[][]> sequences, int[] valid) {
        ScoredSequence[] results = new ScoredSequence[sequences.size()];
        if (strategy == BatchStrategy.PADDED) {
            runGroup(sequences, valid, allIndices(sequences.size()), results);
        } else {
            Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
            for (int i = 0; i < sequences.size(); i++) {
                byLength.computeIfAbsent(sequences.get(i).length, k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> group : byLength.values()) {
                runGroup(sequences, valid, group.stream().mapToInt(Integer::intValue).toArray(), results);
            }
        }
        return List.of(results);
    }

    private static int[] allIndices(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /** One engine call over the sequences at {@code members}, padded to the longest. */
    private void runGroup(List<double[][]> sequences, int[] valid, int[] members, ScoredSequence[] results) {
        int n = members.length;
        if (n == 0) {
            return;
        }
        int f = config.inputSize();
        int steps = 0;
        for (int m : members) {
            steps = Math.max(steps, sequences.get(m).length);
        }
        boolean batchFirst = config.batchFirst();
        double[] x = new double[steps * n * f];
        double[] lengths = new double[n];
        boolean padded = false;
        for (int j = 0; j < n; j++) {
            double[][] seq = sequences.get(members[j]);
            for (int t = 0; t < seq.length; t++) {
                System.arraycopy(seq[t], 0, x, (batchFirst ? j * steps + t : t * n + j) * f, f);
            }
            lengths[j] = valid == null ? seq.length : valid[members[j]];
            padded |= lengths[j] != steps;
        }
        DType dtype = asFloat ? DType.F32 : DType.F64;
        int[] shape = batchFirst ? new int[] {n, steps, f} : new int[] {steps, n, f};
        RunInputs in = RunInputs.of(Tensor.of(dtype, shape, x));
        if (padded) {
            in = in.withLengths(Tensor.of(DType.I64, new int[] {n}, lengths));
        }
        RunOutputs out = engine.run(network, in);
        split(out, members, sequences, steps, results);
    }

    private void split(RunOutputs out, int[] members, List<double[][]> sequences, int steps, ScoredSequence[] results) {
        int n = members.length;
        int width = config.directions() * config.outputSize();
        int states = config.directions() * config.numLayers();
        double[] y = out.output().data();
        double[] h = out.hN().data();
        double[] c = out.cN() == null ? null : out.cN().data();
        for (int j = 0; j < n; j++) {
            int len = sequences.get(members[j]).length;
            Object output;
            if (config.batchFirst()) {
                output = matrix(y, j * steps * width, len, width);
            } else {
                double[] rows = new double[len * width];
                for (int t = 0; t < len; t++) {
                    System.arraycopy(y, (t * n + j) * width, rows, t * width, width);
                }
                output = matrix(rows, 0, len, width);
            }
            Object hN = matrix(stateOf(h, j, n, states, config.outputSize()), 0, states, config.outputSize());
            Object cN = config.cell() != CellKind.LSTM ? null
                    : matrix(stateOf(c, j, n, states, config.hiddenSize()), 0, states, config.hiddenSize());
            results[members[j]] = new ScoredSequence(output, hN, cN);
        }
    }

    /** Sequence j's slice of a (states, n, size) state. */
    private static double[] stateOf(double[] all, int j, int n, int states, int size) {
        double[] s = new double[states * size];
        for (int k = 0; k < states; k++) {
            System.arraycopy(all, (k * n + j) * size, s, k * size, size);
        }
        return s;
    }

    private Object matrix(double[] values, int offset, int rows, int cols) {
        return asFloat ? SequenceRows.floatMatrix(values, offset, rows, cols)
                : SequenceRows.doubleMatrix(values, offset, rows, cols);
    }
}

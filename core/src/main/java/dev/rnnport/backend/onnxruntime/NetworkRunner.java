package dev.rnnport.backend.onnxruntime;

import dev.rnnport.UsageException;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.nn.TimeMajorBatch;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a network that {@code OnnxWriter} wrote, whose graph has PyTorch's interface: inputs
 * {@code input}, {@code h0}, {@code c0} (LSTM), always batched, both states required; outputs
 * {@code output}, {@code h_n}, {@code c_n}; dynamic batch and sequence axes.
 *
 * <p>This class gives it PyTorch's full calling convention: unbatched input gets a batch axis of
 * one, omitted states are zeros, and sequence lengths are honoured without a sequence_lens input:
 * sequences of equal length are run together on their valid steps only, and their results padded
 * with zeros, which is what a packed sequence means (the reverse direction starts at each
 * sequence's own last step). A sequence of length 0 is not run at all: zero outputs and its
 * initial state, where ONNX Runtime's sequence_lens would give a zero state.
 */
final class NetworkRunner {
    private final OrtModel model;
    private final NetworkConfig config;

    NetworkRunner(OrtModel model, NetworkConfig config) {
        this.model = model;
        this.config = config;
        boolean lstm = config.cell() == CellKind.LSTM;
        List<String> inputs = model.inputs().stream().map(OrtModel.Port::name).toList();
        List<String> outputs = model.outputs().stream().map(OrtModel.Port::name).toList();
        if (!inputs.equals(lstm ? List.of("input", "h0", "c0") : List.of("input", "h0"))
                || !outputs.equals(lstm ? List.of("output", "h_n", "c_n") : List.of("output", "h_n"))) {
            throw new IllegalStateException("the written ONNX graph takes " + inputs + " and gives " + outputs
                    + ", not the interface this runner feeds (input, h0[, c0] -> output, h_n[, c_n])");
        }
    }

    RunOutputs run(RunInputs in) {
        // Checks every shape against the network with the same messages as the native engine,
        // and gives the time-major form that rows and steps are picked from.
        TimeMajorBatch b = TimeMajorBatch.of(config, in);
        if (!b.paddedAtEnd()) {
            throw new UsageException("ONNX Runtime runs sequences that are padded at their end only (sequence lengths);"
                    + " the mask leaves out a step before a valid one (" + b.firstHole() + ")");
        }
        int n = b.batch;
        int steps = b.steps;
        boolean lstm = config.cell() == CellKind.LSTM;
        int states = config.directions() * config.numLayers();
        double[] h0 = b.h0 != null ? b.h0 : new double[states * n * config.outputSize()];
        double[] c0 = !lstm ? null : b.c0 != null ? b.c0 : new double[states * n * config.hiddenSize()];

        int width = config.directions() * config.outputSize();
        double[] y = new double[steps * n * width];
        double[] hN = new double[states * n * config.outputSize()];
        double[] cN = lstm ? new double[states * n * config.hiddenSize()] : null;
        for (Map.Entry<Integer, List<Integer>> group : byLength(b.lengths).entrySet()) {
            int len = group.getKey();
            int[] rows = group.getValue().stream().mapToInt(Integer::intValue).toArray();
            if (len == 0) {
                scatterState(hN, selectState(h0, states, n, config.outputSize(), rows), states, n, config.outputSize(), rows);
                if (lstm) {
                    scatterState(cN, selectState(c0, states, n, config.hiddenSize(), rows), states, n, config.hiddenSize(), rows);
                }
                continue;
            }
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            feeds.put("input", sequence(selectSteps(b.x(), n, config.inputSize(), rows, len), len, rows.length, config.inputSize()));
            feeds.put("h0", tensor(selectState(h0, states, n, config.outputSize(), rows), states, rows.length, config.outputSize()));
            if (lstm) {
                feeds.put("c0", tensor(selectState(c0, states, n, config.hiddenSize(), rows), states, rows.length, config.hiddenSize()));
            }
            Map<String, Tensor> out = model.run(feeds);
            double[] part = out.get("output").data();
            scatterSteps(config.batchFirst() ? TimeMajorBatch.swapFirstAxes(part, rows.length, len, width) : part,
                    y, n, width, rows, len);
            scatterState(hN, out.get("h_n").data(), states, n, config.outputSize(), rows);
            if (lstm) {
                scatterState(cN, out.get("c_n").data(), states, n, config.hiddenSize(), rows);
            }
        }
        if (config.options().masking().steps() == MaskedSteps.CARRY_OUTPUT && !config.options().reverseOnly()) {
            carryForwardOutputs(y, b.lengths, steps, n, width);
        }
        return b.outputs(y, hN, cN, DType.F32);
    }

    /**
     * Keras's convention for the padded tail, from ONNX Runtime's zeros: a forward direction repeats
     * its last valid output (zeros for an empty sequence); a reverse one meets the padding first, so
     * its zeros are already right. Layers below do not matter: their padded steps are masked above too.
     */
    private void carryForwardOutputs(double[] y, int[] lengths, int steps, int n, int width) {
        int out = config.outputSize();
        for (int row = 0; row < n; row++) {
            int len = lengths[row];
            if (len == 0) {
                continue;
            }
            int last = ((len - 1) * n + row) * width;
            for (int t = len; t < steps; t++) {
                System.arraycopy(y, last, y, (t * n + row) * width, out);
            }
        }
    }

    /** A time-major (len, rows, features) slice as the graph takes it: batch-major when batch_first. */
    private Tensor sequence(double[] timeMajor, int len, int rows, int features) {
        return config.batchFirst()
                ? tensor(TimeMajorBatch.swapFirstAxes(timeMajor, len, rows, features), rows, len, features)
                : tensor(timeMajor, len, rows, features);
    }

    /** Batch rows by valid length, shortest first; one group when no lengths were given. */
    private static TreeMap<Integer, List<Integer>> byLength(int[] lengths) {
        TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < lengths.length; i++) {
            groups.computeIfAbsent(lengths[i], k -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    private static Tensor tensor(double[] data, int... shape) {
        return Tensor.of(DType.F32, shape, data);
    }

    /** The batch entries {@code rows} of a state (S, N, size). */
    private static double[] selectState(double[] all, int states, int n, int size, int[] rows) {
        double[] out = new double[states * rows.length * size];
        for (int s = 0; s < states; s++) {
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(all, (s * n + rows[r]) * size, out, (s * rows.length + r) * size, size);
            }
        }
        return out;
    }

    private static void scatterState(double[] all, double[] part, int states, int n, int size, int[] rows) {
        for (int s = 0; s < states; s++) {
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(part, (s * rows.length + r) * size, all, (s * n + rows[r]) * size, size);
            }
        }
    }

    /** Batch entries {@code rows}, steps 0 to len-1, of a time-major (L, N, F) sequence. */
    private static double[] selectSteps(double[] all, int n, int features, int[] rows, int len) {
        double[] out = new double[len * rows.length * features];
        for (int t = 0; t < len; t++) {
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(all, (t * n + rows[r]) * features, out, (t * rows.length + r) * features, features);
            }
        }
        return out;
    }

    /** Writes a time-major (len, rows, F) part into (L, N, F); later steps stay zero. */
    private static void scatterSteps(double[] part, double[] all, int n, int features, int[] rows, int len) {
        for (int t = 0; t < len; t++) {
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(part, (t * rows.length + r) * features, all, (t * n + rows[r]) * features, features);
            }
        }
    }
}

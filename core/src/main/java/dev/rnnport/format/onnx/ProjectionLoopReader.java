package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.ConfigException;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the Loop form of a projected LSTM that {@link ProjectionLoopWriter} writes. Loops of
 * primitive operators cannot be recognised in general, so the writer records the network's
 * settings in the model's metadata under {@link #KEY}, and the weights are found by their
 * initializer names; a Loop LSTM from another tool is not read.
 */
final class ProjectionLoopReader {
    static final String KEY = "rnnport.projected_lstm";
    private static final String[] GATES = {"i", "f", "g", "o"};

    private ProjectionLoopReader() {
    }

    static String describe(NetworkConfig c) {
        return "input_size=" + c.inputSize() + " hidden_size=" + c.hiddenSize() + " num_layers=" + c.numLayers()
                + " bias=" + c.bias() + " batch_first=" + c.batchFirst() + " bidirectional=" + c.bidirectional()
                + " proj_size=" + c.projSize() + " reverse_only=" + c.options().reverseOnly();
    }

    static RecurrentNetwork read(OnnxGraph g, String settings) {
        Map<String, String> s = new HashMap<>();
        for (String kv : settings.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                s.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        NetworkConfig cfg;
        try {
            cfg = new NetworkConfig(CellKind.LSTM, num(s, "input_size"), num(s, "hidden_size"), num(s, "num_layers"),
                    bool(s, "bias"), bool(s, "batch_first"), 0.0, bool(s, "bidirectional"), num(s, "proj_size"),
                    CellOptions.defaults(CellKind.LSTM).withReverseOnly(bool(s, "reverse_only")));
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ModelException("metadata " + KEY + " '" + settings + "': " + e.getMessage());
        }
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            for (int d = 0; d < cfg.directions(); d++) {
                String suffix = "_l" + layer + (d == 1 ? "_reverse" : "");
                weights.add(new DirectionWeights(gates(g, "W_ih", suffix, true), gates(g, "W_hh", suffix, true),
                        cfg.bias() ? gates(g, "b_ih", suffix, false) : null, cfg.bias() ? gates(g, "b_hh", suffix, false) : null,
                        transposed(stored(g, ProjectionLoopWriter.name("W_hr", "", suffix))), null));
            }
        }
        return new RecurrentNetwork(cfg, weights);
    }

    private static int num(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) {
            throw new ModelException("metadata " + KEY + " lacks " + key);
        }
        return Integer.parseInt(v);
    }

    private static boolean bool(Map<String, String> s, String key) {
        return Boolean.parseBoolean(s.get(key));
    }

    private static Tensor stored(OnnxGraph g, String name) {
        Tensor t = g.stored(name);
        if (t == null) {
            throw new ModelException("initializer '" + name + "' of the projected LSTM (metadata " + KEY + ") is missing");
        }
        return t;
    }

    /** The four gate blocks, stacked in PyTorch's order; matrices are stored transposed. */
    private static Tensor gates(OnnxGraph g, String tensor, String suffix, boolean matrix) {
        List<Tensor> parts = new ArrayList<>();
        for (String gate : GATES) {
            Tensor t = stored(g, ProjectionLoopWriter.name(tensor, gate, suffix));
            parts.add(matrix ? transposed(t) : t);
        }
        int rows = parts.get(0).dim(0);
        int cols = matrix ? parts.get(0).dim(1) : 1;
        double[] v = new double[4 * rows * cols];
        for (int q = 0; q < 4; q++) {
            System.arraycopy(parts.get(q).data(), 0, v, q * rows * cols, rows * cols);
        }
        return Tensor.of(DType.F32, matrix ? new int[] {4 * rows, cols} : new int[] {4 * rows}, v);
    }

    private static Tensor transposed(Tensor m) {
        int r = m.dim(0);
        int c = m.dim(1);
        double[] v = new double[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                v[j * r + i] = m.data()[i * c + j];
            }
        }
        return Tensor.of(DType.F32, new int[] {c, r}, v);
    }
}

package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.format.keras.KerasModelConfig.KerasLayer;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Keras recurrent layer (LSTM, GRU, SimpleRNN, or one of them wrapped in Bidirectional) read
 * into the IR's terms: weights transposed and in PyTorch's gate order, options as the IR states them.
 *
 * @param name            the Keras layer name
 * @param cell            LSTM, GRU, RNN_TANH or RNN_RELU
 * @param units           Keras units (hidden size)
 * @param inputSize       the feature size the layer's kernel takes
 * @param bias            use_bias
 * @param activations     the IR's activation list of one direction (ONNX order: gate, candidate, output)
 * @param linearBeforeReset GRU reset_after (true for LSTM and RNN, where it means nothing)
 * @param goBackwards     go_backwards of a unidirectional layer
 * @param returnSequences what the layer hands on: the whole sequence or its last step
 * @param returnState     whether the layer also hands on its final states
 * @param mergeMode       Bidirectional's merge_mode (concat, sum, mul, ave, none); null when unidirectional
 * @param directions      the weights of the forward direction, then the backward one when bidirectional
 */
record RecurrentLayer(String name, CellKind cell, int units, int inputSize, boolean bias, List<Activation> activations,
                      boolean linearBeforeReset, boolean goBackwards, boolean returnSequences, boolean returnState,
                      String mergeMode, List<DirectionWeights> directions) {

    /** A named weight of a layer: its name as the file states it and its value. */
    record Variable(String name, Tensor value) {
    }

    private static final Pattern KERAS1 = Pattern.compile("(?:^|_)([A-Za-z])(?:_([a-z]))?$");
    private static final Pattern TF_SUFFIX = Pattern.compile(":\\d+$");

    boolean bidirectional() {
        return mergeMode != null;
    }

    /** True for the Keras classes this reader turns into networks. */
    static boolean isRecurrent(KerasLayer layer) {
        return cellClass(layer) != null;
    }

    private static String cellClass(KerasLayer layer) {
        String c = layer.className();
        if (c.equals("Bidirectional")) {
            Object inner = layer.config().get("layer");
            if (inner instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
                c = s;
            } else {
                return null;
            }
        }
        return switch (c) {
            case "LSTM", "GRU", "SimpleRNN" -> c;
            default -> null;
        };
    }

    /**
     * Reads one recurrent layer.
     *
     * @param where     the file, for messages
     * @param variables the layer's weights as the file names them
     */
    static RecurrentLayer read(KerasLayer layer, int kerasMajor, String where, List<Variable> variables) {
        String what = where + ": layer '" + layer.name() + "'";
        String cls = cellClass(layer);
        boolean bidirectional = layer.className().equals("Bidirectional");
        Map<String, Object> cfg = bidirectional
                ? KerasModelConfig.object(KerasModelConfig.object(layer.config().get("layer"), what).get("config"), what)
                : layer.config();
        KerasLayout t = KerasLayout.get();
        Object unitsValue = t.configValue(cfg, "units");
        if (!(unitsValue instanceof Number n) || n.intValue() <= 0) {
            throw new ModelException(what + ": config has no positive 'units' (found " + unitsValue + ")");
        }
        int units = n.intValue();
        Object useBias = t.configValue(cfg, "use_bias");
        boolean bias = useBias == null || Boolean.TRUE.equals(useBias);
        Activation act = KerasActivations.parse(orDefault(t.configValue(cfg, "activation"), "tanh"), kerasMajor, what);
        CellKind cell = switch (cls) {
            case "LSTM" -> CellKind.LSTM;
            case "GRU" -> CellKind.GRU;
            default -> act.equals(Activation.RELU) ? CellKind.RNN_RELU : CellKind.RNN_TANH;
        };
        List<Activation> acts;
        if (cell.isRnn()) {
            acts = List.of(act);
        } else {
            Activation rec = KerasActivations.parse(orDefault(t.configValue(cfg, "recurrent_activation"),
                    t.defaultRecurrentActivation(kerasMajor)), kerasMajor, what);
            acts = cell == CellKind.LSTM ? List.of(rec, act, act) : List.of(rec, act);
        }
        boolean goBackwards = Boolean.TRUE.equals(cfg.get("go_backwards"));
        if (bidirectional && goBackwards) {
            throw new ModelException(what + ": a Bidirectional layer whose inner layer has go_backwards=True is not supported");
        }
        String mergeMode = null;
        if (bidirectional) {
            Object m = layer.config().get("merge_mode");
            mergeMode = m == null ? "none" : m.toString().toLowerCase(Locale.ROOT);
            if (!List.of("concat", "sum", "mul", "ave", "none").contains(mergeMode)) {
                throw new ModelException(what + ": unknown Bidirectional merge_mode '" + m
                        + "' (known: concat, sum, mul, ave, None)");
            }
        }
        // Keras 1's default for return_sequences is False as well.
        boolean returnSequences = Boolean.TRUE.equals(cfg.get("return_sequences"));
        boolean returnState = Boolean.TRUE.equals(cfg.get("return_state"));
        Object resetAfter = cfg.get("reset_after");

        Map<Boolean, Map<String, Tensor>> byDirection = new TreeMap<>();
        for (Variable v : variables) {
            String plain = TF_SUFFIX.matcher(v.name()).replaceFirst("");
            String[] parts = plain.split("/");
            boolean backward = false;
            for (String p : parts) {
                backward |= p.startsWith("backward");
            }
            byDirection.computeIfAbsent(backward, k -> new TreeMap<>()).put(parts[parts.length - 1], v.value());
        }
        int dirs = bidirectional ? 2 : 1;
        if (byDirection.size() != dirs) {
            throw new ModelException(what + ": expected the weights of " + dirs + " direction(s), found "
                    + (byDirection.isEmpty() ? "no weights" : byDirection.size() + " (" + variables.stream()
                    .map(Variable::name).toList() + ")"));
        }
        List<DirectionWeights> weights = new ArrayList<>();
        int inputSize = -1;
        Boolean lbr = cell == CellKind.GRU ? (resetAfter instanceof Boolean b ? b : null) : Boolean.TRUE;
        for (boolean backward : new boolean[] {false, true}) {
            Map<String, Tensor> vars = byDirection.get(backward);
            if (vars == null) {
                continue;
            }
            Fused f = fuse(vars, cell, units, what);
            String dirWhat = what + (bidirectional ? (backward ? " (backward)" : " (forward)") : "");
            int in = checkKernel(f.kernel, cell, units, dirWhat);
            if (inputSize >= 0 && in != inputSize) {
                throw new ModelException(dirWhat + ": kernel takes " + in + " features, the other direction " + inputSize);
            }
            inputSize = in;
            checkShape(f.recurrent, new int[] {units, cell.gates() * units}, dirWhat, "recurrent_kernel");
            if (bias != (f.bias != null)) {
                throw new ModelException(dirWhat + ": use_bias is " + bias + " but the layer " + (bias ? "has no" : "has a") + " bias");
            }
            Tensor bIh = null;
            Tensor bHh = null;
            if (f.bias != null) {
                int gh = cell.gates() * units;
                boolean twoRows = f.bias.rank() == 2;
                if (cell == CellKind.GRU && twoRows) {
                    checkShape(f.bias, new int[] {2, gh}, dirWhat, "bias");
                    if (Boolean.FALSE.equals(lbr)) {
                        throw new ModelException(dirWhat + ": reset_after is False but the bias has shape "
                                + f.bias.shapeString() + " (reset_after=True's input and recurrent rows)");
                    }
                    lbr = true;
                    bIh = permuteVector(row(f.bias, 0), cell, units);
                    bHh = permuteVector(row(f.bias, 1), cell, units);
                } else {
                    checkShape(f.bias, new int[] {gh}, dirWhat, "bias");
                    if (cell == CellKind.GRU) {
                        if (Boolean.TRUE.equals(lbr)) {
                            throw new ModelException(dirWhat + ": reset_after is True but the bias has shape "
                                    + f.bias.shapeString() + ", expected [2, " + gh + "]");
                        }
                        lbr = false;
                    }
                    bIh = permuteVector(f.bias, cell, units);
                    bHh = Tensor.zeros(f.bias.dtype(), gh);
                }
            }
            weights.add(DirectionWeights.of(transposeKernel(f.kernel, cell, units), transposeKernel(f.recurrent, cell, units),
                    bIh, bHh));
        }
        if (lbr == null) {
            // A GRU without bias and without reset_after in its config: Keras 1/2 had only reset_after=False.
            lbr = kerasMajor >= 3;
        }
        return new RecurrentLayer(layer.name(), cell, units, inputSize, bias, acts, lbr, goBackwards, returnSequences,
                returnState, mergeMode, weights);
    }

    private static Object orDefault(Object v, String d) {
        return v == null ? d : v;
    }

    /** One direction's kernel, recurrent kernel and bias in Keras's fused (input, G*H) layout. */
    private record Fused(Tensor kernel, Tensor recurrent, Tensor bias) {
    }

    /** Collects a direction's variables, joining Keras 1's per-gate W_i, U_i, b_i ... into fused ones. */
    private static Fused fuse(Map<String, Tensor> vars, CellKind cell, int units, String what) {
        KerasLayout t = KerasLayout.get();
        String kernel = t.word("kernel");
        String recurrent = t.word("recurrent_kernel");
        String bias = t.word("bias");
        if (vars.containsKey(kernel)) {
            for (String k : vars.keySet()) {
                if (!List.of(kernel, recurrent, bias).contains(k)) {
                    throw new ModelException(what + ": unexpected weight '" + k + "' (expected " + kernel + ", "
                            + recurrent + ", " + bias + ")");
                }
            }
            if (!vars.containsKey(recurrent)) {
                throw new ModelException(what + ": weight '" + recurrent + "' is missing");
            }
            return new Fused(vars.get(kernel), vars.get(recurrent), vars.get(bias));
        }
        // Keras 1: lstm_1_W_i, lstm_1_U_i, lstm_1_b_i ... or the fused lstm_1_W, lstm_1_U, lstm_1_b (consume_less="gpu").
        Map<String, Map<String, Tensor>> parts = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : vars.entrySet()) {
            Matcher m = KERAS1.matcher(e.getKey());
            if (!m.find()) {
                throw new ModelException(what + ": unexpected weight '" + e.getKey() + "'");
            }
            String role = m.group(1);
            String gate = m.group(2) == null ? "" : m.group(2);
            parts.computeIfAbsent(role, k -> new TreeMap<>()).put(gate, e.getValue());
        }
        return new Fused(joinGates(parts.get(t.word("keras1.kernel")), cell, units, what, "W"),
                joinGates(parts.get(t.word("keras1.recurrent_kernel")), cell, units, what, "U"),
                parts.containsKey(t.word("keras1.bias")) ? joinGates(parts.get(t.word("keras1.bias")), cell, units, what, "b") : null);
    }

    /** Keras 1's per-gate tensors side by side along the last axis, in Keras's gate order. */
    private static Tensor joinGates(Map<String, Tensor> gates, CellKind cell, int units, String what, String role) {
        if (gates == null) {
            throw new ModelException(what + ": weight '" + role + "' is missing");
        }
        if (gates.size() == 1 && gates.containsKey("")) {
            return gates.get("");
        }
        List<String> order = cell.isRnn() ? List.of("") : KerasLayout.get().kerasGates(cell);
        Tensor first = null;
        for (String g : order) {
            Tensor part = gates.get(g);
            if (part == null) {
                throw new ModelException(what + ": weight '" + role + "_" + g + "' is missing");
            }
            if (part.dim(part.rank() - 1) != units) {
                throw new ModelException(what + ": weight '" + role + "_" + g + "' has shape " + part.shapeString()
                        + ", its last axis should be units = " + units);
            }
            first = first == null ? part : first;
        }
        int rows = first.rank() == 1 ? 1 : first.dim(0);
        int g = order.size();
        double[] out = new double[rows * g * units];
        for (int gi = 0; gi < g; gi++) {
            Tensor part = gates.get(order.get(gi));
            if (part.size() != rows * units) {
                throw new ModelException(what + ": weight '" + role + "_" + order.get(gi) + "' has shape "
                        + part.shapeString() + ", the other gates' " + first.shapeString());
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(part.data(), r * units, out, r * g * units + gi * units, units);
            }
        }
        int[] shape = first.rank() == 1 ? new int[] {g * units} : new int[] {rows, g * units};
        return Tensor.of(first.dtype(), shape, out);
    }

    private static int checkKernel(Tensor k, CellKind cell, int units, String what) {
        if (k.rank() != 2 || k.dim(1) != cell.gates() * units) {
            throw new ModelException(what + ": kernel has shape " + k.shapeString() + ", expected [input, "
                    + cell.gates() * units + "] for " + cell.gates() + " gate(s) of units=" + units);
        }
        return k.dim(0);
    }

    private static void checkShape(Tensor t, int[] shape, String what, String name) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new ModelException(what + ": " + name + " has shape " + t.shapeString() + ", expected "
                    + dev.rnnport.tensor.Shapes.format(shape));
        }
    }

    private static Tensor row(Tensor t, int r) {
        int n = t.dim(1);
        double[] v = new double[n];
        System.arraycopy(t.data(), r * n, v, 0, n);
        return Tensor.of(t.dtype(), new int[] {n}, v);
    }

    /** Keras (rows, G*H) in Keras's gate order to the IR's (G*H, rows) in PyTorch's. */
    static Tensor transposeKernel(Tensor k, CellKind cell, int units) {
        int rows = k.dim(0);
        int[] src = KerasLayout.get().irGateSources(cell);
        int gh = cell.gates() * units;
        double[] out = new double[gh * rows];
        for (int b = 0; b < src.length; b++) {
            for (int j = 0; j < units; j++) {
                int col = src[b] * units + j;
                int irRow = b * units + j;
                for (int r = 0; r < rows; r++) {
                    out[irRow * rows + r] = k.data()[r * gh + col];
                }
            }
        }
        return Tensor.of(k.dtype(), new int[] {gh, rows}, out);
    }

    static Tensor permuteVector(Tensor v, CellKind cell, int units) {
        int[] src = KerasLayout.get().irGateSources(cell);
        double[] out = new double[v.size()];
        for (int b = 0; b < src.length; b++) {
            System.arraycopy(v.data(), src[b] * units, out, b * units, units);
        }
        return Tensor.of(v.dtype(), new int[] {out.length}, out);
    }
}

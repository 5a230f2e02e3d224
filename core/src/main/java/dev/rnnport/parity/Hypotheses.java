package dev.rnnport.parity;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.parity.Hypothesis.Scope;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The catalogue of conversion mistakes that {@code verify} tries against a disagreeing result, most
 * likely first: gate orders of other formats, the two biases mishandled, GRU linear_before_reset
 * flipped, directions swapped, batch_first transposed, sigmoid and hard_sigmoid exchanged, tanh and
 * relu exchanged, sequence lengths ignored, Keras masking taken for zero padding or the reverse,
 * initial states ignored, TF's forget_bias, and finally every
 * other order of the gate blocks.
 */
final class Hypotheses {
    /** PyTorch's gate letters, the order the IR keeps. */
    private static final Map<CellKind, List<String>> GATES = Map.of(
            CellKind.LSTM, List.of("i", "f", "g", "o"),
            CellKind.GRU, List.of("r", "z", "n"));
    /** Gate orders of other formats, in PyTorch's letters, with the name a user knows them by. */
    private static final Map<String, String> KNOWN_ORDERS = Map.of(
            "i,o,f,g", "ONNX's order i,o,f,c",
            "i,g,f,o", "TF1 LSTMCell/BlockLSTM's order i,c,f,o",
            "z,r,n", "ONNX's and Keras's order z,r,h");
    private static final Activation KERAS_HARD_SIGMOID = Activation.of(Activation.Kind.HARD_SIGMOID);

    private Hypotheses() {
    }

    /** Every mistake that can be made on {@code net}, most likely first. */
    static List<Hypothesis> forNetwork(RecurrentNetwork net) {
        NetworkConfig c = net.config();
        List<Hypothesis> all = new ArrayList<>();
        List<int[]> orders = gateOrders(c.cell());
        List<int[]> known = orders.stream().filter(p -> KNOWN_ORDERS.containsKey(orderName(c.cell(), p))).toList();
        known.forEach(p -> all.add(gateOrder(c.cell(), p)));
        if (c.bias()) {
            all.add(weights("bias_hh is left out (only bias_ih is added)", (w, cfg) -> withBiases(w, w.bIh(), zeros(w.bHh()))));
            all.add(weights("bias_ih is left out (only bias_hh is added)", (w, cfg) -> withBiases(w, zeros(w.bIh()), w.bHh())));
            all.add(weights("bias_ih + bias_hh is added twice (the summed bias stored in both)",
                    (w, cfg) -> withBiases(w, sum(w.bIh(), w.bHh()), sum(w.bIh(), w.bHh()))));
            all.add(weights("every bias is added twice", (w, cfg) -> withBiases(w, scale(w.bIh(), 2), scale(w.bHh(), 2))));
            if (c.cell() == CellKind.GRU) {
                all.add(weights("bias_hh is folded into bias_ih (which moves b_hn outside the reset gate)",
                        (w, cfg) -> withBiases(w, sum(w.bIh(), w.bHh()), zeros(w.bHh()))));
            }
        }
        if (c.cell() == CellKind.GRU) {
            boolean lbr = c.options().linearBeforeReset();
            all.add(config("linear_before_reset is " + (lbr ? "0" : "1") + " instead of " + (lbr ? "1" : "0")
                    + " (the reset gate applied " + (lbr ? "before" : "after") + " the recurrent matmul)",
                    cfg -> cfg.withOptions(cfg.options().withLinearBeforeReset(!lbr))));
        }
        if (c.bidirectional()) {
            all.add(new Hypothesis("the forward and reverse directions are swapped", false, Hypotheses::swapDirections,
                    Hypothesis.SAME_INPUTS));
        }
        all.add(new Hypothesis("the input is read with batch_first=" + !c.batchFirst() + " (batch and time axes transposed)", false,
                (n, s) -> new RecurrentNetwork(n.config().withBatchFirst(!n.config().batchFirst()), n.weights()),
                (in, n) -> in.input().rank() == 3 && (in.lengths() == null || in.input().dim(0) == in.input().dim(1)) ? in : null));
        if (c.options().forwardActivations().contains(Activation.SIGMOID)) {
            all.add(activations("the gates use hard_sigmoid (Keras 1/2's default) instead of sigmoid", Activation.SIGMOID, KERAS_HARD_SIGMOID));
        }
        if (c.options().forwardActivations().stream().anyMatch(a -> a.kind() == Activation.Kind.HARD_SIGMOID)) {
            all.add(activations("the gates use sigmoid instead of hard_sigmoid", null, Activation.SIGMOID));
        }
        if (c.cell().isRnn()) {
            CellKind other = c.cell() == CellKind.RNN_TANH ? CellKind.RNN_RELU : CellKind.RNN_TANH;
            all.add(config("the nonlinearity is " + (other == CellKind.RNN_RELU ? "relu" : "tanh") + " (--nonlinearity)",
                    cfg -> cfg.withCell(other)));
        }
        all.add(new Hypothesis("the sequence lengths are ignored (every sequence runs to full length)", false, (n, s) -> n,
                (in, n) -> in.lengths() == null ? null : in.withLengths(null)));
        MaskedSteps masked = c.options().masking().steps();
        MaskedSteps other = masked == MaskedSteps.ZERO_OUTPUT ? MaskedSteps.CARRY_OUTPUT : MaskedSteps.ZERO_OUTPUT;
        all.add(new Hypothesis(other == MaskedSteps.CARRY_OUTPUT
                ? "masked steps repeat the previous output (Keras masking) instead of giving zeros (padding)"
                : "masked steps give zeros (padding, sequence_lens) instead of repeating the previous output (Keras masking)", false,
                (n, s) -> new RecurrentNetwork(n.config().withOptions(n.config().options().withMasking(
                        new Masking(other, n.config().options().masking().maskValue()))), n.weights()),
                (in, n) -> in.lengths() == null && in.mask() == null && n.config().options().masking().maskValue() == null ? null : in));
        all.add(new Hypothesis("the initial state is ignored (zeros instead of h0" + (c.cell() == CellKind.LSTM ? "/c0)" : ")"), false,
                (n, s) -> n, (in, n) -> in.h0() == null && in.c0() == null ? null : in.withH0(null).withC0(null)));
        if (c.cell() == CellKind.LSTM && c.bias()) {
            all.add(weights("1.0 is added to the forget gate's bias (TF/Keras forget_bias applied on top)", (w, cfg) -> forgetBias(w, cfg, 1)));
            all.add(weights("the forget gate's bias lacks 1.0 (TF's forget_bias was not folded in)", (w, cfg) -> forgetBias(w, cfg, -1)));
        }
        orders.stream().filter(p -> !known.contains(p)).forEach(p -> all.add(gateOrder(c.cell(), p)));
        return all;
    }

    // ---- gate orders

    /** Every non-identity permutation of the cell's gate blocks. */
    private static List<int[]> gateOrders(CellKind cell) {
        List<int[]> out = new ArrayList<>();
        if (GATES.containsKey(cell)) {
            permute(new int[cell.gates()], new boolean[cell.gates()], 0, out);
        }
        return out.stream().filter(p -> !isIdentity(p)).toList();
    }

    private static void permute(int[] p, boolean[] used, int k, List<int[]> out) {
        if (k == p.length) {
            out.add(p.clone());
            return;
        }
        for (int v = 0; v < p.length; v++) {
            if (!used[v]) {
                used[v] = true;
                p[k] = v;
                permute(p, used, k + 1, out);
                used[v] = false;
            }
        }
    }

    private static boolean isIdentity(int[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * The order in which the gate blocks really are when gate j is taken from our block p[j]: block m
     * holds the gate whose p is m. Written in PyTorch's letters.
     */
    static String orderName(CellKind cell, int[] p) {
        List<String> letters = GATES.get(cell);
        String[] held = new String[p.length];
        for (int j = 0; j < p.length; j++) {
            held[p[j]] = letters.get(j);
        }
        return String.join(",", held);
    }

    private static Hypothesis gateOrder(CellKind cell, int[] p) {
        String order = orderName(cell, p);
        String known = KNOWN_ORDERS.get(order);
        String text = "the gate blocks are read as " + order + " instead of " + String.join(",", GATES.get(cell))
                + (known == null ? "" : " (" + known + ")");
        int[] perm = p.clone();
        return weights(text, (w, cfg) -> new DirectionWeights(blocks(w.wIh(), perm), blocks(w.wHh(), perm),
                blocks(w.bIh(), perm), blocks(w.bHh(), perm), w.wHr(), w.peephole()));
    }

    /** Row blocks rearranged: new block j is old block p[j]. */
    private static Tensor blocks(Tensor t, int[] p) {
        if (t == null) {
            return null;
        }
        double[] src = t.data();
        double[] dst = new double[src.length];
        int block = src.length / p.length;
        for (int j = 0; j < p.length; j++) {
            System.arraycopy(src, p[j] * block, dst, j * block, block);
        }
        return Tensor.of(t.dtype(), t.shape(), dst);
    }

    // ---- biases

    private static DirectionWeights withBiases(DirectionWeights w, Tensor bIh, Tensor bHh) {
        return new DirectionWeights(w.wIh(), w.wHh(), bIh, bHh, w.wHr(), w.peephole());
    }

    private static Tensor zeros(Tensor t) {
        return Tensor.zeros(t.dtype(), t.shape());
    }

    private static Tensor sum(Tensor a, Tensor b) {
        double[] s = a.data().clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += b.data()[i];
        }
        return Tensor.of(dev.rnnport.tensor.DType.F64, a.shape(), s);
    }

    private static Tensor scale(Tensor a, double k) {
        double[] s = a.data().clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= k;
        }
        return Tensor.of(dev.rnnport.tensor.DType.F64, a.shape(), s);
    }

    private static DirectionWeights forgetBias(DirectionWeights w, NetworkConfig cfg, double delta) {
        double[] b = w.bIh().data().clone();
        int h = cfg.hiddenSize();
        for (int i = h; i < 2 * h; i++) {
            b[i] += delta;
        }
        return withBiases(w, Tensor.of(dev.rnnport.tensor.DType.F64, w.bIh().shape(), b), w.bHh());
    }

    // ---- builders

    /** A mistake in each direction's weights, which may be made in one direction alone. */
    private static Hypothesis weights(String text, BiFunction<DirectionWeights, NetworkConfig, DirectionWeights> change) {
        return new Hypothesis(text, true, (net, scope) -> {
            NetworkConfig c = net.config();
            List<DirectionWeights> ws = new ArrayList<>(net.weights());
            for (int l = 0; l < c.numLayers(); l++) {
                for (int d = 0; d < c.directions(); d++) {
                    if (scope.covers(l, d)) {
                        ws.set(l * c.directions() + d, change.apply(ws.get(l * c.directions() + d), c));
                    }
                }
            }
            return new RecurrentNetwork(c, ws);
        }, Hypothesis.SAME_INPUTS);
    }

    private static Hypothesis config(String text, java.util.function.UnaryOperator<NetworkConfig> change) {
        return new Hypothesis(text, false, (net, scope) -> new RecurrentNetwork(change.apply(net.config()), net.weights()),
                Hypothesis.SAME_INPUTS);
    }

    /** Every activation equal to {@code from} (any when null) in the gate position becomes {@code to}. */
    private static Hypothesis activations(String text, Activation from, Activation to) {
        return config(text, cfg -> {
            CellOptions o = cfg.options();
            return cfg.withOptions(o.withActivations(gate(o.forwardActivations(), from, to), gate(o.reverseActivations(), from, to)));
        });
    }

    private static List<Activation> gate(List<Activation> acts, Activation from, Activation to) {
        List<Activation> out = new ArrayList<>(acts);
        if (from == null || out.get(0).equals(from)) {
            out.set(0, to);
        }
        return out;
    }

    private static RecurrentNetwork swapDirections(RecurrentNetwork net, Scope scope) {
        NetworkConfig c = net.config();
        List<DirectionWeights> ws = new ArrayList<>(net.weights());
        for (int l = 0; l < c.numLayers(); l++) {
            if (scope.layer() < 0 || scope.layer() == l) {
                ws.set(2 * l, net.weights(l, true));
                ws.set(2 * l + 1, net.weights(l, false));
            }
        }
        return new RecurrentNetwork(c, ws);
    }
}

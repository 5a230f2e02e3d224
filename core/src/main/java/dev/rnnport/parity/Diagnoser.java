package dev.rnnport.parity;

import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.parity.Hypothesis.Scope;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Explains a disagreement between a run and the reference. First it localises it: when the run's
 * engine can run any network, the network is run one layer at a time, both engines fed the
 * reference's input to that layer, and the first layer that differs is examined; otherwise (a file
 * run as is, recorded outputs) the final output is examined. Within the examined output, each
 * direction's slice is walked in that direction's processing order to the first step beyond the
 * tolerance. Then it tries the {@link Hypotheses} catalogue: each mistaken network is run natively
 * in float64 and compared with the disagreeing result; the first that reproduces it within the
 * tolerance is the likely cause.
 */
final class Diagnoser {
    private final NativeEngine oracle = new NativeEngine(Precision.FLOAT64);
    private final RecurrentNetwork network;
    private final RunInputs inputs;
    private final Tolerance tolerance;
    private int tried;

    Diagnoser(RecurrentNetwork network, RunInputs inputs, Tolerance tolerance) {
        this.network = network;
        this.inputs = inputs;
        this.tolerance = tolerance;
    }

    /**
     * @param engine the disagreeing run's engine, or null when it ran a fixed file or recording
     */
    Diagnosis diagnose(RunOutputs reference, RunOutputs candidate, Contender.Engine engine) {
        if (engine != null && network.config().numLayers() > 1) {
            Diagnosis byLayer = byLayer(engine);
            if (byLayer != null) {
                return byLayer;
            }
        }
        String where = where(network.config(), reference, candidate, network.config().numLayers() == 1 ? 0 : -1, tolerance);
        return explain(where, network, inputs, candidate, true);
    }

    /** Layer by layer on the reference's inputs; null when no layer differs on its own or the engine refuses. */
    private Diagnosis byLayer(Contender.Engine engine) {
        NetworkConfig c = network.config();
        Tensor x = inputs.input();
        for (int k = 0; k < c.numLayers(); k++) {
            RecurrentNetwork layer = oneLayer(network, k);
            RunInputs in = new RunInputs(x, state(inputs.h0(), k, c.directions()), state(inputs.c0(), k, c.directions()),
                    inputs.lengths(), inputs.mask());
            RunOutputs ref = oracle.run(layer, in);
            RunOutputs got;
            try {
                got = engine.run(layer, in);
            } catch (RuntimeException e) {
                return null;
            }
            if (!Verifier.agrees(ref, got, tolerance)) {
                return explain(where(layer.config(), ref, got, k, tolerance), layer, in, got, false);
            }
            x = ref.output();
        }
        return null;
    }

    /** Tries the catalogue, first on the whole network, then (for mistakes that can be local) per layer and direction. */
    private Diagnosis explain(String where, RecurrentNetwork net, RunInputs in, RunOutputs target, boolean wholeNetwork) {
        List<Hypothesis> catalogue = Hypotheses.forNetwork(net);
        for (Hypothesis h : catalogue) {
            double e = attempt(h, net, in, target, Scope.ALL);
            if (e >= 0) {
                return new Diagnosis(where, h.description(), e, tried);
            }
        }
        NetworkConfig c = net.config();
        if (c.numLayers() * c.directions() > 1) {
            for (Hypothesis h : catalogue) {
                if (!h.scoped()) {
                    continue;
                }
                for (int l = 0; l < c.numLayers(); l++) {
                    for (int d = 0; d < c.directions(); d++) {
                        double e = attempt(h, net, in, target, new Scope(l, d));
                        if (e >= 0) {
                            String only = (wholeNetwork ? "layer " + l + " " : "the ") + (d == 1 ? "reverse" : "forward") + " direction";
                            return new Diagnosis(where, h.description() + ", in " + only + " only", e, tried);
                        }
                    }
                }
            }
        }
        return new Diagnosis(where, null, Double.NaN, tried);
    }

    /** The largest difference when the mistaken network reproduces {@code target} within the tolerance, else -1. */
    private double attempt(Hypothesis h, RecurrentNetwork net, RunInputs in, RunOutputs target, Scope scope) {
        RunOutputs trial;
        try {
            RecurrentNetwork mistaken = h.network().apply(net, scope);
            RunInputs mistakenIn = h.inputs().apply(in, net);
            if (mistaken == null || mistakenIn == null) {
                return -1;
            }
            tried++;
            trial = oracle.run(mistaken, mistakenIn);
        } catch (RuntimeException e) {
            return -1;
        }
        return reproduces(target, trial);
    }

    /** Output must match; states are compared where their shapes allow (batch_first changes the batch size). */
    private double reproduces(RunOutputs target, RunOutputs trial) {
        if (target.output() == null || trial.output() == null
                || !Arrays.equals(target.output().shape(), trial.output().shape())) {
            return -1;
        }
        double worst = 0;
        for (Tensor[] pair : new Tensor[][] {{target.output(), trial.output()}, {target.hN(), trial.hN()}, {target.cN(), trial.cN()}}) {
            if (pair[0] == null || pair[1] == null || !Arrays.equals(pair[0].shape(), pair[1].shape())) {
                continue;
            }
            double[] a = pair[0].data();
            double[] b = pair[1].data();
            for (int i = 0; i < a.length; i++) {
                if (!tolerance.allows(b[i], a[i])) {
                    return -1;
                }
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        return worst;
    }

    // ---- localisation

    /** The first step beyond the tolerance in each direction of the output, in words; {@code layer} -1 when unknown. */
    static String where(NetworkConfig c, RunOutputs ref, RunOutputs got, int layer, Tolerance tol) {
        String prefix = layer >= 0 ? "layer " + layer : "in the final output (this run's per-layer outputs are not available)";
        if (got.output() == null || !Arrays.equals(ref.output().shape(), got.output().shape())) {
            return prefix + ", output has shape " + (got.output() == null ? "none" : got.output().shapeString())
                    + " where the reference has " + ref.output().shapeString();
        }
        int[] first = firstSteps(c, ref.output(), got.output(), tol);
        List<String> dirs = new ArrayList<>();
        for (int d = 0; d < first.length; d++) {
            if (first[d] >= 0) {
                String name = c.bidirectional() ? (d == 1 ? "reverse" : "forward") : c.options().reverseOnly() ? "reverse" : "";
                dirs.add((name.isEmpty() ? "" : name + " ") + "from step " + first[d]);
            }
        }
        if (dirs.isEmpty()) {
            return prefix + ", final states only (the output agrees)";
        }
        if (!c.bidirectional()) {
            return prefix + (c.options().reverseOnly() ? ", reverse direction, " : ", ") + dirs.get(0).replace("reverse ", "");
        }
        if (dirs.size() == 1) {
            String[] parts = dirs.get(0).split(" ", 2);
            return prefix + ", " + parts[0] + " direction, " + parts[1];
        }
        return prefix + ", both directions (" + String.join(", ", dirs) + ")";
    }

    /** Per direction, the first step in processing order where some element is beyond the tolerance; -1 if none. */
    private static int[] firstSteps(NetworkConfig c, Tensor ref, Tensor got, Tolerance tol) {
        int[] s = ref.shape();
        boolean unbatched = s.length == 2;
        int steps = unbatched ? s[0] : c.batchFirst() ? s[1] : s[0];
        int batch = unbatched ? 1 : c.batchFirst() ? s[0] : s[1];
        int dirs = c.directions();
        int width = c.outputSize();
        int[] first = new int[dirs];
        Arrays.fill(first, -1);
        for (int d = 0; d < dirs; d++) {
            boolean reverse = d == 1 || c.options().reverseOnly();
            for (int k = 0; k < steps && first[d] < 0; k++) {
                int t = reverse ? steps - 1 - k : k;
                for (int n = 0; n < batch && first[d] < 0; n++) {
                    int row = unbatched ? t : c.batchFirst() ? n * steps + t : t * batch + n;
                    int base = row * dirs * width + d * width;
                    for (int u = 0; u < width; u++) {
                        if (!tol.allows(ref.data()[base + u], got.data()[base + u])) {
                            first[d] = t;
                            break;
                        }
                    }
                }
            }
        }
        return first;
    }

    /** Layer {@code k} alone: its weights, its input size, both its directions. */
    static RecurrentNetwork oneLayer(RecurrentNetwork net, int k) {
        NetworkConfig c = net.config();
        NetworkConfig one = new NetworkConfig(c.cell(), c.layerInputSize(k), c.hiddenSize(), 1, c.bias(), c.batchFirst(),
                0.0, c.bidirectional(), c.projSize(), c.options());
        List<DirectionWeights> ws = new ArrayList<>();
        for (int d = 0; d < c.directions(); d++) {
            ws.add(net.weights(k, d == 1));
        }
        return new RecurrentNetwork(one, ws);
    }

    /** Rows {@code k*dirs .. (k+1)*dirs} of a state (layers*dirs, [batch,] size). */
    private static Tensor state(Tensor s, int k, int dirs) {
        if (s == null) {
            return null;
        }
        int[] shape = s.shape();
        int rowSize = s.size() / shape[0];
        double[] part = Arrays.copyOfRange(s.data(), k * dirs * rowSize, (k + 1) * dirs * rowSize);
        shape[0] = dirs;
        return Tensor.of(s.dtype(), shape, part);
    }
}

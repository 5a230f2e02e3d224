package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.keras.KerasModelConfig.KerasLayer;
import dev.rnnport.format.keras.RecurrentLayer.Variable;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a Keras model's layers into the IR's networks. Keras has no num_layers: a stack is several
 * recurrent layers, each feeding the next. Layers that chain (the earlier one hands on its whole
 * sequence, only inference-identity layers such as Dropout sit between them) and agree on cell,
 * units, direction and options become one network with num_layers &gt; 1; layers that do not agree
 * become networks of their own. A layer that changes values (Dense, anything unknown) between two
 * recurrent layers is refused: the IR cannot hold it and dropping it would change what the
 * network computes. Every other layer (Embedding, Dense after the last recurrent one, InputLayer)
 * is listed in the annotations and left out.
 */
final class KerasNetworks {
    private KerasNetworks() {
    }

    static List<NamedNetwork> build(KerasModelConfig model, Function<KerasLayer, List<Variable>> variables, String where) {
        Map<String, RecurrentLayer> recurrent = new LinkedHashMap<>();
        for (KerasLayer l : model.layers()) {
            if (RecurrentLayer.isRecurrent(l)) {
                recurrent.put(l.name(), RecurrentLayer.read(l, model.kerasMajor(), where, variables.apply(l)));
            }
        }
        // Which recurrent layer feeds which, through identity layers only.
        Map<String, String> feeds = new HashMap<>();
        Map<String, Integer> successors = new HashMap<>();
        for (RecurrentLayer r : recurrent.values()) {
            String p = recurrentPredecessor(model, model.layer(r.name()), recurrent, where);
            if (p != null) {
                feeds.put(r.name(), p);
                successors.merge(p, 1, Integer::sum);
            }
        }
        List<List<RecurrentLayer>> stacks = new ArrayList<>();
        Map<String, List<RecurrentLayer>> stackOf = new HashMap<>();
        for (RecurrentLayer r : recurrent.values()) {
            String p = feeds.get(r.name());
            RecurrentLayer prev = p == null ? null : recurrent.get(p);
            if (prev != null && !prev.returnSequences()) {
                throw new ModelException(where + ": recurrent layer '" + r.name() + "' follows '" + prev.name()
                        + "', which hands on only its last step (return_sequences=False)");
            }
            if (prev != null && r.inputSize() != handsOn(prev)) {
                throw new ModelException(where + ": layer '" + r.name() + "': kernel takes " + r.inputSize()
                        + " features but layer '" + prev.name() + "' hands on " + handsOn(prev));
            }
            List<RecurrentLayer> stack = prev == null ? null : stackOf.get(prev.name());
            if (stack != null && successors.get(prev.name()) == 1 && stacks(prev, r)) {
                stack.add(r);
            } else {
                stack = new ArrayList<>(List.of(r));
                stacks.add(stack);
            }
            stackOf.put(r.name(), stack);
        }
        String modelLayers = model.layers().stream().map(l -> l.name() + ":" + l.className())
                .collect(Collectors.joining(","));
        List<NamedNetwork> out = new ArrayList<>();
        for (List<RecurrentLayer> stack : stacks) {
            var masking = masking(model, stack.get(0), stack.get(stack.size() - 1));
            out.add(new NamedNetwork(stack.get(0).name(), network(stack, modelLayers, masking, where)));
        }
        return out;
    }

    /** The feature size a recurrent layer hands on at each step. */
    private static int handsOn(RecurrentLayer l) {
        return l.bidirectional() && l.mergeMode().equals("concat") ? 2 * l.units() : l.units();
    }

    /** True when {@code next} can be the next layer of {@code prev}'s network. */
    private static boolean stacks(RecurrentLayer prev, RecurrentLayer next) {
        return prev.cell() == next.cell() && prev.units() == next.units() && prev.bias() == next.bias()
                && prev.activations().equals(next.activations()) && prev.linearBeforeReset() == next.linearBeforeReset()
                && prev.bidirectional() == next.bidirectional()
                && (!prev.bidirectional() || prev.mergeMode().equals("concat"))
                && !prev.goBackwards() && !next.goBackwards()
                && next.inputSize() == (prev.bidirectional() ? 2 : 1) * prev.units();
    }

    /**
     * The recurrent layer that feeds {@code layer} through identity layers, or null. A layer that
     * changes values between two recurrent layers is refused by name.
     */
    private static String recurrentPredecessor(KerasModelConfig model, KerasLayer layer, Map<String, RecurrentLayer> recurrent,
                                               String where) {
        KerasLayout t = KerasLayout.get();
        KerasLayer cur = model.layer(layer.inputLayer() == null ? "" : layer.inputLayer());
        KerasLayer blocking = null;
        int guard = 0;
        while (cur != null && guard++ < 10_000) {
            if (recurrent.containsKey(cur.name())) {
                if (blocking != null) {
                    throw new ModelException(where + ": layer '" + blocking.name() + "' (" + blocking.className()
                            + ") sits between the recurrent layers '" + cur.name() + "' and '" + layer.name()
                            + "' and changes their values; only inference-identity layers ("
                            + String.join(", ", t.words("inference_identity")) + ") may sit inside a recurrent stack");
                }
                return cur.name();
            }
            if (blocking == null && !t.isInferenceIdentity(cur.className())) {
                blocking = cur;
            }
            cur = cur.inputLayer() == null ? null : model.layer(cur.inputLayer());
        }
        return null;
    }

    /**
     * What masks the first layer's steps. A {@code Masking} layer right in front of it (through
     * identity layers only) sees the network's own input, so the IR can compute the mask from
     * mask_value; a mask made further back (Embedding mask_zero, a Masking before a Dense) cannot be
     * computed from the network's input and must be given with the run. Keras repeats the previous
     * output at a masked step, except that Bidirectional with return_sequences=True makes its two
     * layers output zeros there (bidirectional.py, force_zero_output_for_mask; Keras 2.2 and later).
     *
     * @return the IR's masking and a note saying where the mask comes from; null when nothing masks
     */
    private static Map.Entry<Masking, String> masking(KerasModelConfig model, RecurrentLayer first, RecurrentLayer last) {
        KerasLayout t = KerasLayout.get();
        KerasLayer cur = model.layer(nullToEmpty(model.layer(first.name()).inputLayer()));
        MaskedSteps steps = first.bidirectional() && last.returnSequences() && model.bidirectionalZeroesMaskedSteps()
                ? MaskedSteps.ZERO_OUTPUT : MaskedSteps.CARRY_OUTPUT;
        boolean direct = true;
        int guard = 0;
        while (cur != null && guard++ < 10_000) { // a hostile config could loop
            if (cur.className().equals("Masking")) {
                double v = cur.config().get("mask_value") instanceof Number n ? n.doubleValue() : 0.0;
                return direct ? Map.entry(new Masking(steps, v), "mask_value=" + v + " (layer '" + cur.name() + "')")
                        : Map.entry(new Masking(steps, null), "mask given with the run (made by layer '" + cur.name()
                                + "' before layers that change values)");
            }
            if (cur.className().equals("Embedding") && Boolean.TRUE.equals(cur.config().get("mask_zero"))) {
                return Map.entry(new Masking(steps, null), "mask given with the run (token id 0, layer '"
                        + cur.name() + "' mask_zero)");
            }
            direct &= t.isInferenceIdentity(cur.className());
            cur = model.layer(nullToEmpty(cur.inputLayer()));
        }
        return null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static RecurrentNetwork network(List<RecurrentLayer> stack, String modelLayers, Map.Entry<Masking, String> masking,
                                            String where) {
        RecurrentLayer first = stack.get(0);
        RecurrentLayer last = stack.get(stack.size() - 1);
        CellOptions options = new CellOptions(first.activations(), first.activations(), CellOptions.NO_CLIP, false,
                first.linearBeforeReset(), first.goBackwards(), masking == null ? Masking.ZEROS : masking.getKey());
        NetworkConfig config = new NetworkConfig(first.cell(), first.inputSize(), first.units(), stack.size(), first.bias(),
                true, 0.0, first.bidirectional(), 0, options);
        List<DirectionWeights> weights = new ArrayList<>();
        for (RecurrentLayer l : stack) {
            weights.addAll(l.directions());
        }
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("keras.layers", stack.stream().map(RecurrentLayer::name).collect(Collectors.joining(",")));
        notes.put("keras.model_layers", modelLayers);
        notes.put("keras.return_sequences", Boolean.toString(last.returnSequences()));
        if (last.returnState()) {
            notes.put("keras.return_state", "true");
        }
        if (last.bidirectional()) {
            notes.put("keras.merge_mode", last.mergeMode());
        }
        if (first.goBackwards()) {
            notes.put("keras.go_backwards", "true");
        }
        if (masking != null) {
            notes.put("keras.masking", masking.getValue());
        }
        try {
            return new RecurrentNetwork(config, weights, notes);
        } catch (ModelException e) {
            throw new ModelException(where + ": layer '" + first.name() + "': " + e.getMessage(), e);
        }
    }
}

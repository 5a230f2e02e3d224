package dev.rnnport.format.savedmodel;

import dev.rnnport.ModelException;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The network's settings as the JSON that an rnnport SavedModel carries in its string constant
 * {@code rnnport/config}, so that reading it back needs no guessing from the graph. Every field
 * of {@link NetworkConfig} is written; doubles in Java's shortest exact form, so they read back
 * unchanged.
 */
final class SavedModelConfig {
    /** Bumped when the meaning of a field changes; a newer file is refused rather than misread. */
    static final int VERSION = 1;

    private SavedModelConfig() {
    }

    static String toJson(NetworkConfig c) {
        CellOptions o = c.options();
        return "{\"format\":\"rnnport-savedmodel\",\"version\":" + VERSION
                + ",\"cell\":" + Json.quote(c.cell().name())
                + ",\"input_size\":" + c.inputSize() + ",\"hidden_size\":" + c.hiddenSize()
                + ",\"num_layers\":" + c.numLayers() + ",\"bias\":" + c.bias() + ",\"batch_first\":" + c.batchFirst()
                + ",\"dropout\":" + c.dropout() + ",\"bidirectional\":" + c.bidirectional() + ",\"proj_size\":" + c.projSize()
                + ",\"activations\":" + activations(o.forwardActivations())
                + ",\"reverse_activations\":" + activations(o.reverseActivations())
                + ",\"clip\":" + (o.hasClip() ? Double.toString(o.clip()) : "null")
                + ",\"input_forget\":" + o.inputForget() + ",\"linear_before_reset\":" + o.linearBeforeReset()
                + ",\"reverse_only\":" + o.reverseOnly()
                + ",\"masked_steps\":" + Json.quote(o.masking().steps().name())
                + ",\"mask_value\":" + (o.masking().maskValue() == null ? "null" : Double.toString(o.masking().maskValue())) + "}";
    }

    private static String activations(List<Activation> list) {
        return list.stream().map(a -> "{\"kind\":" + Json.quote(a.kind().name()) + ",\"alpha\":" + number(a.alpha())
                + ",\"beta\":" + number(a.beta()) + "}").collect(Collectors.joining(",", "[", "]"));
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "null" : Double.toString(v);
    }

    /** @param where the SavedModel folder, for messages */
    static NetworkConfig fromJson(String json, String where) {
        Map<?, ?> m;
        try {
            m = (Map<?, ?>) Json.parse(json);
        } catch (RuntimeException e) {
            throw new ModelException(where + ": rnnport/config is not the JSON rnnport writes (" + e.getMessage() + ")", e);
        }
        int version = integer(m, "version", where);
        if (version > VERSION) {
            throw new ModelException(where + ": written by a newer rnnport (config version " + version
                    + ", this one reads up to " + VERSION + ")");
        }
        CellKind cell;
        try {
            cell = CellKind.valueOf(string(m, "cell", where).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelException(where + ": rnnport/config: unknown cell '" + m.get("cell") + "' (expected LSTM, GRU, RNN_TANH or RNN_RELU)");
        }
        Object clip = m.get("clip");
        List<Activation> forward = activations(m.get("activations"), where);
        List<Activation> reverse = activations(m.get("reverse_activations"), where);
        try {
            CellOptions options = new CellOptions(forward, reverse,
                    clip == null ? CellOptions.NO_CLIP : ((Number) clip).doubleValue(), flag(m, "input_forget", where),
                    flag(m, "linear_before_reset", where), flag(m, "reverse_only", where), masking(m, where));
            return new NetworkConfig(cell, integer(m, "input_size", where), integer(m, "hidden_size", where),
                    integer(m, "num_layers", where), flag(m, "bias", where), flag(m, "batch_first", where),
                    ((Number) field(m, "dropout", where)).doubleValue(), flag(m, "bidirectional", where),
                    integer(m, "proj_size", where), options);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ModelException(where + ": rnnport/config does not describe a valid network: " + e.getMessage(), e);
        }
    }

    private static Masking masking(Map<?, ?> m, String where) {
        Object steps = m.get("masked_steps");
        Object value = m.get("mask_value");
        MaskedSteps kind;
        try {
            kind = steps == null ? MaskedSteps.ZERO_OUTPUT : MaskedSteps.valueOf(steps.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelException(where + ": rnnport/config: masked_steps '" + steps + "' is not ZERO_OUTPUT or CARRY_OUTPUT");
        }
        return new Masking(kind, value == null ? null : ((Number) value).doubleValue());
    }

    private static List<Activation> activations(Object v, String where) {
        if (!(v instanceof List<?> list)) {
            throw new ModelException(where + ": rnnport/config: activations must be a list, found " + v);
        }
        List<Activation> out = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> a = (Map<?, ?>) o;
            Activation.Kind kind = Activation.Kind.valueOf(string(a, "kind", where));
            out.add(new Activation(kind, orNaN(a.get("alpha")), orNaN(a.get("beta"))));
        }
        return out;
    }

    private static double orNaN(Object v) {
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    private static Object field(Map<?, ?> m, String key, String where) {
        if (!m.containsKey(key)) {
            throw new ModelException(where + ": rnnport/config has no '" + key + "'");
        }
        return m.get(key);
    }

    private static int integer(Map<?, ?> m, String key, String where) {
        Object v = field(m, key, where);
        if (!(v instanceof Number n)) {
            throw new ModelException(where + ": rnnport/config: '" + key + "' must be a number, found " + v);
        }
        return n.intValue();
    }

    private static boolean flag(Map<?, ?> m, String key, String where) {
        Object v = field(m, key, where);
        if (!(v instanceof Boolean b)) {
            throw new ModelException(where + ": rnnport/config: '" + key + "' must be true or false, found " + v);
        }
        return b;
    }

    private static String string(Map<?, ?> m, String key, String where) {
        Object v = field(m, key, where);
        if (!(v instanceof String s)) {
            throw new ModelException(where + ": rnnport/config: '" + key + "' must be a string, found " + v);
        }
        return s;
    }
}

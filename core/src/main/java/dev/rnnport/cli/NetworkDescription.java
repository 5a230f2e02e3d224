package dev.rnnport.cli;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.NamedNetwork.Setting;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code inspect} says about one network, as typed values in a fixed order: the module's
 * settings, what it has beyond PyTorch, its size, which settings the file did not record, and
 * which formats can hold it (each format's writer says, through {@code refusal}).
 */
final class NetworkDescription {
    private final Map<String, Object> facts = new LinkedHashMap<>();
    /** Setting key to the value the network was read with, for the settings the file left unsaid. */
    private final Map<String, Object> readAs = new LinkedHashMap<>();
    private final List<String> writable = new ArrayList<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    NetworkDescription(NamedNetwork n) {
        RecurrentNetwork net = n.network();
        NetworkConfig c = net.config();
        CellOptions o = c.options();
        facts.put("name", n.name());
        facts.put("cell", c.cell().moduleName());
        if (c.cell().isRnn()) {
            setting(n, Setting.NONLINEARITY, c.cell() == CellKind.RNN_RELU ? "relu" : "tanh");
        }
        facts.put("input_size", c.inputSize());
        facts.put("hidden_size", c.hiddenSize());
        facts.put("num_layers", c.numLayers());
        facts.put("bidirectional", c.bidirectional());
        facts.put("bias", c.bias());
        setting(n, Setting.BATCH_FIRST, c.batchFirst());
        facts.put("directions", c.directions());
        facts.put("proj_size", c.projSize());
        setting(n, Setting.DROPOUT, c.dropout());
        facts.put("dtype", dtype(net));
        facts.put("parameters", parameters(net));
        // What ONNX or Keras can say beyond PyTorch; absent when the network is PyTorch's own.
        CellOptions d = CellOptions.defaults(c.cell());
        if (!o.forwardActivations().equals(d.forwardActivations()) || !o.reverseActivations().equals(d.reverseActivations())) {
            facts.put("activations", names(o.forwardActivations()));
            if (c.bidirectional()) {
                facts.put("reverse_activations", names(o.reverseActivations()));
            }
        }
        if (o.hasClip()) {
            facts.put("clip", o.clip());
        }
        if (o.inputForget()) {
            facts.put("input_forget", true);
        }
        if (c.cell() == CellKind.GRU && !o.linearBeforeReset()) {
            facts.put("linear_before_reset", false);
        }
        if (o.reverseOnly()) {
            facts.put("direction", "reverse");
        }
        if (net.hasPeepholes()) {
            facts.put("peepholes", true);
        }
        if (!o.masking().isPyTorchLike()) {
            facts.put("masked_steps", o.masking().steps().name().toLowerCase(Locale.ROOT));
            if (o.masking().maskValue() != null) {
                facts.put("mask_value", o.masking().maskValue());
            }
        }
        // What the source format says beyond the IR (Keras merge_mode, the model's other layers).
        new java.util.TreeMap<>(net.annotations()).forEach(facts::put);
        for (ModelFormat f : ModelFormat.values()) {
            Optional<String> why = f.writer().refusal(net, WriteOptions.DEFAULTS);
            if (why.isPresent()) {
                refused.put(f.formatName(), why.get());
            } else {
                writable.add(f.formatName());
            }
        }
    }

    /** A setting's value, or null (JSON) when the file did not record it; the value read is kept aside. */
    private void setting(NamedNetwork n, Setting s, Object value) {
        if (n.recorded(s)) {
            facts.put(s.key(), value);
        } else {
            facts.put(s.key(), null);
            readAs.put(s.key(), value);
        }
    }

    /** ONNX's names with alpha and beta as short as they were written: a float attribute prints as a float. */
    private static List<String> names(List<Activation> acts) {
        return acts.stream().map(a -> {
            Activation.Kind k = a.kind();
            if (!k.usesAlpha() && !k.usesBeta()) {
                return k.onnxName();
            }
            List<String> params = new ArrayList<>();
            if (k.usesAlpha()) {
                params.add("alpha=" + number(a.alpha()));
            }
            if (k.usesBeta()) {
                params.add("beta=" + number(a.beta()));
            }
            return k.onnxName() + "(" + String.join(", ", params) + ")";
        }).toList();
    }

    private static String number(double v) {
        return (double) (float) v == v ? Float.toString((float) v) : Double.toString(v);
    }

    private static long parameters(RecurrentNetwork net) {
        long n = 0;
        for (DirectionWeights w : net.weights()) {
            n += Stream.of(w.wIh(), w.wHh(), w.bIh(), w.bHh(), w.wHr(), w.peephole())
                    .filter(t -> t != null).mapToLong(Tensor::size).sum();
        }
        return n;
    }

    /** The weights' element type, in numpy's names; "mixed" when they differ. */
    private static String dtype(RecurrentNetwork net) {
        List<String> types = net.weights().stream()
                .flatMap(w -> Stream.of(w.wIh(), w.wHh(), w.bIh(), w.bHh(), w.wHr(), w.peephole()))
                .filter(t -> t != null).map(t -> dtypeName(t.dtype())).distinct().toList();
        return types.size() == 1 ? types.get(0) : "mixed (" + String.join(", ", types) + ")";
    }

    static String dtypeName(DType t) {
        return switch (t) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F32 -> "float32";
            case F64 -> "float64";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The JSON object: the facts, then not_recorded, read_as, writable_as and not_writable_as. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>(facts);
        m.put("not_recorded", List.copyOf(readAs.keySet()));
        m.put("read_as", readAs);
        m.put("writable_as", writable);
        m.put("not_writable_as", refused);
        return m;
    }

    /** One line of key=value facts, then a line per thing to know: unrecorded settings, formats. */
    List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add(facts.entrySet().stream().map(e -> e.getKey() + "=" + text(e.getKey(), e.getValue()))
                .collect(Collectors.joining(" ")));
        if (!readAs.isEmpty()) {
            lines.add("  not recorded in the file: " + readAs.entrySet().stream()
                    .map(e -> e.getKey() + " (read as " + e.getValue() + hint(e.getKey()) + ")")
                    .collect(Collectors.joining(", ")));
        }
        lines.add("  can be written as: " + (writable.isEmpty() ? "none" : String.join(", ", writable)));
        refused.forEach((f, why) -> lines.add("  cannot be written as " + f + ": " + why));
        return lines;
    }

    private String text(String key, Object v) {
        if (v == null && readAs.containsKey(key)) {
            return "(not recorded)";
        }
        if (key.equals("name") && "".equals(v)) {
            return "''";
        }
        return v instanceof Double d ? number(d) : String.valueOf(v);
    }

    private static String hint(String key) {
        return switch (key) {
            case "batch_first" -> "; --batch-first says otherwise";
            case "nonlinearity" -> "; --nonlinearity says otherwise";
            default -> "";
        };
    }
}

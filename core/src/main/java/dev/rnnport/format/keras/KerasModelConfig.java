package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Keras model's architecture as its JSON config states it: the layers in order, each with the
 * layer it takes its input from. Reads every era's shape of the document: Keras 1 and 2.0
 * Sequential (a list of layers), Keras 2.2+ / tf.keras / Keras 3 Sequential ({@code {"layers": [...]}}),
 * and functional models ({@code Model}, {@code Functional}) with their {@code inbound_nodes}.
 *
 * @param kerasMajor 1, 2 or 3: the Keras that wrote the file (it decides defaults and hard_sigmoid)
 * @param kerasMinor the minor version, 0 when unknown
 * @param layers     the layers in the order Keras lists them (a topological order)
 */
record KerasModelConfig(int kerasMajor, int kerasMinor, List<KerasLayer> layers) {

    /**
     * One layer of the model.
     *
     * @param className   Keras's class name (LSTM, Bidirectional, Dense ...)
     * @param name        the layer's name, which also names its weights
     * @param config      the layer's own config
     * @param inputLayer  the name of the layer it takes its input from, null for the first layer
     *                    or when it has several inputs ({@code multipleInputs})
     */
    record KerasLayer(String className, String name, Map<String, Object> config, String inputLayer,
                      boolean multipleInputs) {
    }

    /** Parses a model config; {@code where} names the file (and attribute) for messages. */
    static KerasModelConfig parse(String json, String kerasVersion, String where) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ModelException(where + ": the Keras model config is not valid JSON (" + e.getMessage() + ")");
        }
        Map<String, Object> top = object(root, where + ": the Keras model config");
        if (kerasVersion == null && top.get("keras_version") instanceof String v) {
            kerasVersion = v;
        }
        String modelClass = string(top.get("class_name"));
        Object config = top.get("config");
        List<Object> rawLayers;
        boolean sequential = "Sequential".equals(modelClass);
        if (config instanceof List<?> list) {
            rawLayers = new ArrayList<>(list);
        } else if (config instanceof Map<?, ?> m && m.get("layers") instanceof List<?> list) {
            rawLayers = new ArrayList<>(list);
        } else {
            throw new ModelException(where + ": the Keras model config has no list of layers (class_name "
                    + modelClass + ")");
        }
        List<KerasLayer> layers = new ArrayList<>();
        String previous = null;
        for (Object o : rawLayers) {
            Map<String, Object> layer = object(o, where + ": a layer of the Keras model config");
            String className = string(layer.get("class_name"));
            Map<String, Object> cfg = layer.get("config") instanceof Map<?, ?> ? object(layer.get("config"), where) : Map.of();
            String name = layer.get("name") instanceof String n ? n : string(cfg.get("name"));
            if (className == null || name == null) {
                throw new ModelException(where + ": a layer of the Keras model config has no class_name or name");
            }
            String input;
            boolean multiple = false;
            if (sequential) {
                input = previous;
            } else {
                List<String> inbound = inboundLayers(layer.get("inbound_nodes"));
                input = inbound.size() == 1 ? inbound.get(0) : null;
                multiple = inbound.size() > 1;
            }
            layers.add(new KerasLayer(className, name, cfg, input, multiple));
            previous = name;
        }
        return new KerasModelConfig(major(kerasVersion, layers), minor(kerasVersion), layers);
    }

    /** The names of the layers feeding a functional layer, in Keras 2's and Keras 3's notations. */
    private static List<String> inboundLayers(Object inboundNodes) {
        List<String> names = new ArrayList<>();
        collectHistory(inboundNodes, names, 0);
        return names.stream().distinct().toList();
    }

    private static void collectHistory(Object o, List<String> names, int depth) {
        if (depth > 16 || o == null) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            if (m.get("keras_history") instanceof List<?> h && !h.isEmpty() && h.get(0) instanceof String s) {
                names.add(s); // Keras 3: {"config": {"keras_history": ["lstm", 0, 0]}}
                return;
            }
            for (Object v : m.values()) {
                collectHistory(v, names, depth + 1);
            }
        } else if (o instanceof List<?> l) {
            // Keras 2: [[["lstm", 0, 0, {}]]] - a node is a list whose first item is the layer name.
            if (l.size() >= 3 && l.get(0) instanceof String s && l.get(1) instanceof Number) {
                names.add(s);
                return;
            }
            for (Object v : l) {
                collectHistory(v, names, depth + 1);
            }
        }
    }

    private static int major(String version, List<KerasLayer> layers) {
        if (version != null && !version.isBlank()) {
            char c = version.trim().charAt(0);
            if (c >= '1' && c <= '9') {
                return c - '0';
            }
        }
        // No version: Keras 1 is recognisable by its config keys (output_dim, inner_activation).
        for (KerasLayer l : layers) {
            if (l.config().containsKey("output_dim") || l.config().containsKey("inner_activation")) {
                return 1;
            }
        }
        return 2;
    }

    private static int minor(String version) {
        if (version == null) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*\\d+\\.(\\d+)").matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Bidirectional with return_sequences=True outputs zeros at masked steps from Keras 2.2 on. */
    boolean bidirectionalZeroesMaskedSteps() {
        return kerasMajor >= 3 || (kerasMajor == 2 && kerasMinor >= 2);
    }

    KerasLayer layer(String name) {
        for (KerasLayer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ModelException(what + " is not a JSON object");
    }

    static String string(Object o) {
        return o instanceof String s ? s : null;
    }
}

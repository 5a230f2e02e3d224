package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flattens what torch.load returns into dotted names, the way a state dict names tensors: a
 * state dict, checkpoints that wrap one ({@code {'state_dict': ...}}, {@code {'model': ...}},
 * Lightning's {@code {'state_dict': ..., 'hyper_parameters': ...}}), nested dicts and lists, eagerly
 * pickled nn.Modules ({@code torch.save(model)}: their {@code _parameters}, {@code _buffers} and
 * {@code _modules}), and TorchScript module objects (attributes by name).
 *
 * <p>The object may be shared or cyclic: each container is visited once, so a "billion laughs"
 * pickle costs what its file costs. Nesting deeper than the limit is refused.
 */
final class TensorTree {
    /** Top-level checkpoint keys whose content is named as if it were the whole state dict. */
    static final Set<String> WRAPPERS = Set.of("state_dict", "model_state_dict", "model", "module", "net", "network",
            "model_state", "weights", "params", "state");

    private static final Set<String> RNN_MODULES = Set.of("torch.nn.modules.rnn.LSTM", "torch.nn.modules.rnn.GRU",
            "torch.nn.modules.rnn.RNN");

    /**
     * Settings an eagerly pickled nn.LSTM/GRU/RNN carries and a state dict does not.
     *
     * @param batchFirst   null if not recorded
     * @param nonlinearity "tanh", "relu" or null
     * @param dropout      null if not recorded
     */
    record ModuleSettings(Boolean batchFirst, String nonlinearity, Double dropout) {
    }

    private final String file;
    private final int maxDepth;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private Map<String, Object> leaves;
    private Map<String, ModuleSettings> settings;

    private final Map<String, Object> allLeaves = new LinkedHashMap<>();
    private final Map<String, ModuleSettings> allSettings = new LinkedHashMap<>();

    private TensorTree(String file, int maxDepth) {
        this.file = file;
        this.maxDepth = maxDepth;
    }

    /** Flattens {@code root}; {@code file} is for messages. */
    static TensorTree of(Object root, String file, int maxDepth) {
        TensorTree t = new TensorTree(file, maxDepth);
        t.flatten(root);
        return t;
    }

    /**
     * Every tensor by dotted name, in the order met; values are {@link TorchTensor}, or the
     * {@link PyObject} found where a recurrent parameter's name points at something else.
     */
    Map<String, Object> leaves() {
        return allLeaves;
    }

    /** Settings of eagerly pickled recurrent modules, by their name prefix ({@code "rnn."}, or "" at the root). */
    Map<String, ModuleSettings> settings() {
        return allSettings;
    }

    private void flatten(Object root) {
        if (!(root instanceof PyDict d) || d.items().keySet().stream().noneMatch(WRAPPERS::contains)) {
            leaves = allLeaves;
            settings = allSettings;
            walk(root, "", 0);
            return;
        }
        // A checkpoint: each top-level entry is walked apart, then named. Wrapper keys drop their
        // own name unless that would collide with a name already taken.
        seen.put(d, Boolean.TRUE);
        for (Map.Entry<Object, Object> e : d.items().entrySet()) {
            String key = segment(e.getKey());
            if (key == null) {
                continue;
            }
            leaves = new LinkedHashMap<>();
            settings = new LinkedHashMap<>();
            walk(e.getValue(), "", 1);
            boolean strip = WRAPPERS.contains(key) && !(e.getValue() instanceof TorchTensor)
                    && leaves.keySet().stream().noneMatch(allLeaves::containsKey);
            for (Map.Entry<String, Object> leaf : leaves.entrySet()) {
                allLeaves.putIfAbsent(strip ? leaf.getKey() : join(key, leaf.getKey()), leaf.getValue());
            }
            for (Map.Entry<String, ModuleSettings> s : settings.entrySet()) {
                allSettings.putIfAbsent(strip ? s.getKey() : key + "." + s.getKey(), s.getValue());
            }
        }
    }

    private void walk(Object v, String path, int depth) {
        if (depth > maxDepth) {
            throw new ModelException(file + ": objects nested deeper than " + maxDepth + " levels at '"
                    + abbreviate(path) + "' (a nesting bomb?)");
        }
        if (v instanceof TorchTensor) {
            leaves.putIfAbsent(path, v);
            return;
        }
        if (!(v instanceof PyDict || v instanceof List || v instanceof PyTuple || v instanceof PyObject)) {
            return;
        }
        if (seen.put(v, Boolean.TRUE) != null) {
            return;
        }
        if (v instanceof PyDict d) {
            readMetadata(d, path);
            walkEntries(d.items(), path, depth);
        } else if (v instanceof List<?> l) {
            walkItems(l, path, depth);
        } else if (v instanceof PyTuple t) {
            walkItems(t.items(), path, depth);
        } else {
            walkObject((PyObject) v, path, depth);
        }
    }

    private void walkObject(PyObject o, String path, int depth) {
        if (TorchParameters.isParameterName(path)) {
            leaves.putIfAbsent(path, o);
        }
        Map<Object, Object> attrs = attributes(o.state());
        if (attrs != null && (attrs.get("_parameters") instanceof PyDict || attrs.get("_modules") instanceof PyDict)) {
            // An nn.Module pickled whole: name its tensors as state_dict() would.
            for (String part : new String[] {"_parameters", "_buffers", "_modules"}) {
                if (attrs.get(part) instanceof PyDict d && seen.put(d, Boolean.TRUE) == null) {
                    walkEntries(d.items(), path, depth + 1);
                }
            }
            if (o.type() instanceof PyGlobal g && RNN_MODULES.contains(g.qualified())) {
                settings.putIfAbsent(path.isEmpty() ? "" : path + ".", settingsOf(attrs));
            }
        } else if (attrs != null) {
            walkEntries(attrs, path, depth);
        }
        walkEntries(o.dictItems(), path, depth);
        walkItems(o.listItems(), path, depth);
    }

    /**
     * A state dict's {@code _metadata} maps module prefixes to dicts; rnnport's writer puts the
     * module settings a state dict cannot hold under their {@code 'rnnport'} key.
     */
    private void readMetadata(PyDict d, String path) {
        if (!(d.attributes().get("_metadata") instanceof PyDict metadata)) {
            return;
        }
        for (Map.Entry<Object, Object> e : metadata.items().entrySet()) {
            if (e.getKey() instanceof String module && e.getValue() instanceof PyDict m
                    && m.get("rnnport") instanceof PyDict ours) {
                String prefix = join(path, module);
                settings.putIfAbsent(prefix.isEmpty() ? "" : prefix + ".", settingsOf(ours.items()));
            }
        }
    }

    private static Map<Object, Object> attributes(Object state) {
        if (state instanceof PyDict d) {
            return d.items();
        }
        if (state instanceof PyTuple t && t.size() == 2 && t.get(0) instanceof PyDict d) {
            return d.items(); // (dict, slots) from objects with __slots__
        }
        return null;
    }

    private static ModuleSettings settingsOf(Map<Object, Object> attrs) {
        Object bf = attrs.get("batch_first");
        Object nl = attrs.get("nonlinearity");
        Object dr = attrs.get("dropout");
        Double dropout = dr instanceof Double d ? d : dr instanceof Long l ? (double) l : null;
        if (dr instanceof String s) {
            try {
                dropout = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                dropout = null;
            }
        }
        return new ModuleSettings(bf instanceof Boolean b ? b : null, nl instanceof String s ? s : null, dropout);
    }

    private void walkEntries(Map<Object, Object> entries, String path, int depth) {
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            String seg = segment(e.getKey());
            if (seg != null) {
                walk(e.getValue(), join(path, seg), depth + 1);
            }
        }
    }

    private void walkItems(List<?> items, String path, int depth) {
        for (int i = 0; i < items.size(); i++) {
            walk(items.get(i), join(path, Integer.toString(i)), depth + 1);
        }
    }

    /** A dict key as a name part; keys that are not strings or numbers name nothing. */
    private static String segment(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Long || key instanceof BigInteger || key instanceof Boolean) {
            return key.toString();
        }
        return null;
    }

    private static String join(String path, String seg) {
        return path.isEmpty() ? seg : seg.isEmpty() ? path : path + "." + seg;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}

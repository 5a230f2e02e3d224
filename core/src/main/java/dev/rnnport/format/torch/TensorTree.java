package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.torch.pickle.PickleLimits;
import dev.rnnport.format.torch.pickle.PyDict;
import dev.rnnport.format.torch.pickle.PyGlobal;
import dev.rnnport.format.torch.pickle.PyObject;
import dev.rnnport.format.torch.pickle.PyTuple;
import dev.rnnport.nn.ParameterNames;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * <p>The object may be shared, cyclic or deep: each container is visited once, so a "billion
 * laughs" pickle costs what its file costs; the walk keeps its own stack, so depth cannot
 * overflow the thread's; names are linked paths spelled out only for tensors, and what they
 * spell is bounded, so a deep path repeated a million times cannot exhaust memory. Nesting
 * deeper than the limit is refused.
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

    /** A dotted name as a chain of segments; spelled out only when a tensor needs it. */
    private record Name(Name parent, String segment, int depth) {
        static final Name ROOT = new Name(null, "", 0);

        Name child(String seg) {
            return new Name(this, seg, depth + 1);
        }

        /** The same name one level down without a segment of its own (a module's _parameters). */
        Name deeper() {
            return new Name(parent, segment, depth + 1);
        }

        int length() {
            int n = 0;
            for (Name p = this; p != null; p = p.parent) {
                n += p.segment.length() + 1;
            }
            return n;
        }

        String spell() {
            List<String> parts = new ArrayList<>();
            for (Name p = this; p != null; p = p.parent) {
                if (!p.segment.isEmpty()) {
                    parts.add(p.segment);
                }
            }
            StringBuilder b = new StringBuilder();
            for (int i = parts.size() - 1; i >= 0; i--) {
                b.append(parts.get(i));
                if (i > 0) {
                    b.append('.');
                }
            }
            return b.toString();
        }
    }

    private record Visit(Object value, Name name) {
    }

    private final String file;
    private final int maxDepth;
    private long nameChars;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private Map<String, Object> leaves;
    private Map<String, ModuleSettings> settings;

    private final Map<String, Object> allLeaves = new LinkedHashMap<>();
    private final Map<String, ModuleSettings> allSettings = new LinkedHashMap<>();

    private TensorTree(String file, int maxDepth, long maxNameChars) {
        this.file = file;
        this.maxDepth = maxDepth;
        this.nameChars = maxNameChars;
    }

    /** Flattens {@code root}; {@code file} is for messages. */
    static TensorTree of(Object root, String file, PickleLimits limits) {
        TensorTree t = new TensorTree(file, limits.maxNesting(), limits.maxAllocation() / 8);
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
            walk(root, Name.ROOT);
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
            walk(e.getValue(), new Name(null, "", 1));
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

    /** Depth first, in the order a recursive walk would take, on a stack of its own. */
    private void walk(Object root, Name name) {
        Deque<Visit> work = new ArrayDeque<>();
        work.push(new Visit(root, name));
        List<Visit> children = new ArrayList<>();
        while (!work.isEmpty()) {
            Visit v = work.pop();
            children.clear();
            visit(v.value(), v.name(), children);
            for (int i = children.size() - 1; i >= 0; i--) {
                work.push(children.get(i));
            }
        }
    }

    private void visit(Object v, Name name, List<Visit> children) {
        if (name.depth() > maxDepth) {
            throw new ModelException(file + ": objects nested deeper than " + maxDepth + " levels (a nesting bomb?)");
        }
        if (v instanceof TorchTensor) {
            leaves.putIfAbsent(spell(name), v);
            return;
        }
        if (!(v instanceof PyDict || v instanceof List || v instanceof PyTuple || v instanceof PyObject)) {
            return;
        }
        if (seen.put(v, Boolean.TRUE) != null) {
            return;
        }
        if (v instanceof PyDict d) {
            readMetadata(d, name);
            entries(d.items(), name, children);
        } else if (v instanceof List<?> l) {
            items(l, name, children);
        } else if (v instanceof PyTuple t) {
            items(t.items(), name, children);
        } else {
            object((PyObject) v, name, children);
        }
    }

    private void object(PyObject o, Name name, List<Visit> children) {
        if (ParameterNames.isParameterName(name.segment())) {
            leaves.putIfAbsent(spell(name), o);
        }
        Map<Object, Object> attrs = attributes(o.state());
        if (attrs != null && (attrs.get("_parameters") instanceof PyDict || attrs.get("_modules") instanceof PyDict)) {
            // An nn.Module pickled whole: name its tensors as state_dict() would.
            for (String part : new String[] {"_parameters", "_buffers", "_modules"}) {
                if (attrs.get(part) instanceof PyDict d && seen.put(d, Boolean.TRUE) == null) {
                    entries(d.items(), name.deeper(), children);
                }
            }
            if (o.type() instanceof PyGlobal g && RNN_MODULES.contains(g.qualified())) {
                settings.putIfAbsent(prefix(spell(name)), settingsOf(attrs));
            }
        } else if (attrs != null) {
            entries(attrs, name, children);
        }
        entries(o.dictItems(), name, children);
        items(o.listItems(), name, children);
    }

    /**
     * A state dict's {@code _metadata} maps module prefixes to dicts; rnnport's writer puts the
     * module settings a state dict cannot hold under their {@code 'rnnport'} key.
     */
    private void readMetadata(PyDict d, Name name) {
        if (!(d.attributes().get("_metadata") instanceof PyDict metadata)) {
            return;
        }
        for (Map.Entry<Object, Object> e : metadata.items().entrySet()) {
            if (e.getKey() instanceof String module && e.getValue() instanceof PyDict m
                    && m.get("rnnport") instanceof PyDict ours) {
                settings.putIfAbsent(prefix(join(spell(name), module)), settingsOf(ours.items()));
            }
        }
    }

    private static String prefix(String moduleName) {
        return moduleName.isEmpty() ? "" : moduleName + ".";
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

    private static void entries(Map<Object, Object> entries, Name name, List<Visit> children) {
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            String seg = segment(e.getKey());
            if (seg != null) {
                children.add(new Visit(e.getValue(), name.child(seg)));
            }
        }
    }

    private static void items(List<?> items, Name name, List<Visit> children) {
        for (int i = 0; i < items.size(); i++) {
            children.add(new Visit(items.get(i), name.child(Integer.toString(i))));
        }
    }

    /** Spells a name out, charging its length to the budget for names. */
    private String spell(Name name) {
        nameChars -= name.length();
        if (nameChars < 0) {
            throw new ModelException(file + ": tensor names add up to more characters than the limit for this JVM's heap"
                    + " (a naming bomb?)");
        }
        return name.spell();
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
}

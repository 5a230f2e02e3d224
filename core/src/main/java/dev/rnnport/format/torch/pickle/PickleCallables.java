package dev.rnnport.format.torch.pickle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What REDUCE, NEWOBJ, BUILD and friends do in rnnport: a fixed set of side-effect-free rules
 * that build plain data (dicts, sets, bytes). Every other callable yields an inert
 * {@link PyObject} that records its arguments. A file format adds rules for its own globals by
 * overriding {@link #callGlobal} and {@link #buildValue}; the values those rules make implement
 * {@link FormatValue}. Unsafe globals never get here: the unpickler refuses them when they are
 * named.
 */
public class PickleCallables {
    /** Charged for everything the rules make, before it is made. */
    protected final PickleBudget budget;

    /** Globals the pickles named that are no part of a format's own rebuilding, in the order named. */
    private final Set<String> foreign = new LinkedHashSet<>();

    protected PickleCallables(PickleBudget budget) {
        this.budget = budget;
    }

    /** Records that a pickle named {@code g} (GLOBAL, STACK_GLOBAL, INST). */
    final void named(PyGlobal g) {
        if (!rebuilds(g)) {
            foreign.add(g.qualified());
        }
    }

    /**
     * True if {@code g} is one of the format's own rebuilding names, which a loader is expected to
     * call; every other named global is reported by {@link #foreignGlobals}.
     */
    protected boolean rebuilds(PyGlobal g) {
        return false;
    }

    /**
     * Every global the pickles read with these rules named outside the format's own rebuilding:
     * Python would import each and call it when loading the file; rnnport did neither.
     */
    public final List<String> foreignGlobals() {
        return List.copyOf(foreign);
    }

    /** The result of calling {@code callable(*args)} (REDUCE). */
    protected final Object call(Object callable, PyTuple args) {
        if (!(callable instanceof PyGlobal g)) {
            return placeholder(callable, args.items(), null);
        }
        List<Object> a = args.items();
        switch (g.qualified()) {
            case "collections.OrderedDict", "builtins.dict":
                return dict(g, a);
            case "builtins.list":
                return a.isEmpty() ? new ArrayList<>() : new ArrayList<>(iterable(a.get(0), "list()"));
            case "builtins.tuple":
                return a.isEmpty() ? PyTuple.EMPTY : PyTuple.of(new ArrayList<>(iterable(a.get(0), "tuple()")));
            case "builtins.set", "builtins.frozenset":
                return set(g.name().equals("frozenset"), a.isEmpty() ? List.of() : iterable(a.get(0), g.name() + "()"));
            case "builtins.bytes", "builtins.bytearray":
                return bytes(a, g.name().equals("bytearray"));
            case "_codecs.encode":
                return new PyBytes(encode(arg(a, 0, "_codecs.encode"), a.size() > 1 ? a.get(1) : "utf-8"), false);
            case "copyreg._reconstructor": {
                Object cls = arg(a, 0, "copyreg._reconstructor");
                Object base = arg(a, 1, "copyreg._reconstructor");
                boolean plain = base instanceof PyGlobal b && b.is("builtins.object");
                return newObject(cls, plain ? PyTuple.EMPTY : PyTuple.of(a.size() > 2 ? a.get(2) : null), null);
            }
            case "copyreg.__newobj__":
                return newObject(arg(a, 0, "copyreg.__newobj__"), PyTuple.of(a.subList(1, a.size())), null);
            case "copyreg.__newobj_ex__":
                return newObject(arg(a, 0, "copyreg.__newobj_ex__"), asTuple(arg(a, 1, "copyreg.__newobj_ex__")),
                        a.size() > 2 ? a.get(2) : null);
            default:
                return callGlobal(g, a);
        }
    }

    /**
     * {@code g(*args)} for a global none of the plain-data rules know: an inert {@link PyObject}
     * recording the call. A file format overrides this for its own rebuilding functions and leaves
     * every other global to this.
     */
    protected Object callGlobal(PyGlobal g, List<Object> args) {
        return placeholder(g, args, null);
    }

    /** {@code cls.__new__(cls, *args, **kwargs)} (NEWOBJ, NEWOBJ_EX). */
    final Object newObject(Object cls, PyTuple args, Object kwargs) {
        if (cls instanceof PyGlobal g) {
            switch (g.qualified()) {
                case "collections.OrderedDict", "builtins.dict":
                    return charged(new PyDict(g.qualified()));
                case "builtins.set", "builtins.frozenset":
                    return charged(new PySet(g.name().equals("frozenset")));
                case "builtins.list":
                    return charged(new ArrayList<>());
                default:
                    break;
            }
        }
        return placeholder(cls, args.items(), kwargs instanceof PyDict d ? d.items() : null);
    }

    /** BUILD: sets state on an object, as {@code __setstate__} or {@code __dict__.update} would. */
    final void build(Object inst, Object state) {
        if (inst instanceof PyDict d) {
            if (state instanceof PyDict s) {
                d.attributes().putAll(s.items());
                return;
            }
            if (state instanceof PyTuple t && t.size() == 2) {
                for (Object part : t.items()) {
                    if (part instanceof PyDict s) {
                        d.attributes().putAll(s.items());
                    }
                }
                return;
            }
            throw new PickleError("BUILD on a dict with a " + Py.typeName(state) + " state");
        }
        if (inst instanceof PyObject o) {
            o.setState(state);
            return;
        }
        buildValue(inst, state);
    }

    /**
     * BUILD on anything but a dict or an inert object: refused, unless a file format's rules
     * know what the state means for a value they made.
     */
    protected void buildValue(Object inst, Object state) {
        throw new PickleError("BUILD on a " + Py.typeName(inst) + " is not supported");
    }

    private Object placeholder(Object type, List<Object> args, Map<Object, Object> kwargs) {
        budget.charge(PickleBudget.OBJECT);
        return new PyObject(type, args, kwargs);
    }

    private <T> T charged(T container) {
        budget.charge(PickleBudget.OBJECT);
        return container;
    }

    private PyDict dict(PyGlobal g, List<Object> a) {
        PyDict d = charged(new PyDict(g.qualified()));
        if (!a.isEmpty() && a.get(0) != null) {
            Object src = a.get(0);
            if (src instanceof PyDict other) {
                budget.charge(PickleBudget.SLOT * 2L * other.items().size());
                d.items().putAll(other.items());
            } else {
                for (Object pair : iterable(src, g.name() + "()")) {
                    List<Object> kv = pair instanceof PyTuple t ? t.items() : pair instanceof List<?> l ? castList(l) : null;
                    if (kv == null || kv.size() != 2) {
                        throw new PickleError(g.name() + "() needs (key, value) pairs, found a " + Py.typeName(pair));
                    }
                    budget.charge(PickleBudget.SLOT * 2);
                    d.items().put(Unpickler.hashable(kv.get(0)), kv.get(1));
                }
            }
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(List<?> l) {
        return (List<Object>) l;
    }

    private PySet set(boolean frozen, Collection<?> items) {
        PySet s = charged(new PySet(frozen));
        budget.charge(PickleBudget.SLOT * (long) items.size());
        for (Object o : items) {
            s.items().add(Unpickler.hashable(o));
        }
        return s;
    }

    private PyBytes bytes(List<Object> a, boolean mutable) {
        if (a.isEmpty()) {
            return new PyBytes(new byte[0], mutable);
        }
        Object src = a.get(0);
        byte[] data;
        if (src instanceof PyBytes b) {
            data = b.data().clone();
        } else if (src instanceof String s) {
            data = encode(s, a.size() > 1 ? a.get(1) : "utf-8");
        } else if (src instanceof List<?> || src instanceof PyTuple) {
            Collection<?> items = iterable(src, "bytes()");
            data = new byte[items.size()];
            int i = 0;
            for (Object o : items) {
                Long v = Py.asLong(o);
                if (v == null || v < 0 || v > 255) {
                    throw new PickleError("bytes() needs integers 0..255");
                }
                data[i++] = (byte) (long) v;
            }
        } else {
            throw new PickleError("bytes() of a " + Py.typeName(src) + " is not supported");
        }
        budget.charge(PickleBudget.BOX + data.length);
        return new PyBytes(data, mutable);
    }

    private byte[] encode(Object text, Object encoding) {
        if (!(text instanceof String s) || !(encoding instanceof String e)) {
            throw new PickleError("_codecs.encode needs a str and an encoding name");
        }
        budget.charge(PickleBudget.BOX + 4L * s.length());
        return switch (e.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "latin1", "latin-1", "iso-8859-1", "iso8859-1" -> s.getBytes(StandardCharsets.ISO_8859_1);
            case "utf-8", "utf8" -> s.getBytes(StandardCharsets.UTF_8);
            case "ascii" -> s.getBytes(StandardCharsets.US_ASCII);
            default -> throw new PickleError("_codecs.encode with encoding '" + e + "' is not supported");
        };
    }

    /** The items of a tuple, list, set or dict (its keys); {@code what} names the call for messages. */
    protected static Collection<?> iterable(Object v, String what) {
        if (v instanceof PyTuple t) {
            return t.items();
        }
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof PySet s) {
            return s.items();
        }
        if (v instanceof PyDict d) {
            return d.items().keySet();
        }
        throw new PickleError(what + " needs a tuple or list, found a " + Py.typeName(v));
    }

    /** {@code v}, which must be a tuple (of arguments). */
    protected static PyTuple asTuple(Object v) {
        if (v instanceof PyTuple t) {
            return t;
        }
        throw new PickleError("expected an argument tuple, found a " + Py.typeName(v));
    }

    /** Argument {@code i}, which must exist; {@code what} names the call for messages. */
    protected static Object arg(List<Object> a, int i, String what) {
        if (i >= a.size()) {
            throw new PickleError(what + " needs at least " + (i + 1) + " arguments, found " + a.size());
        }
        return a.get(i);
    }
}

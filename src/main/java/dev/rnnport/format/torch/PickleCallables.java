package dev.rnnport.format.torch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What REDUCE, NEWOBJ and friends do in rnnport: a fixed set of side-effect-free rules that build
 * plain data (dicts, sets, bytes) and tensors, as torch.load(weights_only=True) allows. Every
 * other callable yields an inert {@link PyObject} that records its arguments. Unsafe globals never
 * get here: the unpickler refuses them when they are named.
 */
final class PickleCallables {
    private final PickleBudget budget;

    PickleCallables(PickleBudget budget) {
        this.budget = budget;
    }

    /** The result of calling {@code callable(*args)} (REDUCE). */
    Object call(Object callable, PyTuple args) {
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
            case "torch._utils._rebuild_tensor":
                return tensor(a, 4, null, "_rebuild_tensor");
            case "torch._utils._rebuild_tensor_v2":
                return tensor(a, 6, null, "_rebuild_tensor_v2");
            case "torch._utils._rebuild_tensor_v3": {
                Object d = arg(a, 6, "_rebuild_tensor_v3");
                TorchDType dtype = TorchDType.ofDtypeGlobal(d);
                if (dtype == null) {
                    throw new PickleError("_rebuild_tensor_v3 names dtype " + Py.typeName(d) + ", not a torch dtype");
                }
                return tensor(a, 7, dtype, "_rebuild_tensor_v3");
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                // A Parameter is its data; requires_grad, hooks and extra state do not change values.
                return arg(a, 0, g.name());
            case "torch._tensor._rebuild_from_type_v2", "torch._utils._rebuild_from_type_v2":
                // Tensor subclasses: rebuild the plain tensor with the inner function, ignore the type.
                return call(arg(a, 0, g.name()), asTuple(arg(a, 2, g.name())));
            case "torch.Size":
                return a.isEmpty() ? PyTuple.EMPTY : PyTuple.of(new ArrayList<>(iterable(a.get(0), "torch.Size()")));
            case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist",
                    "torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensorlist",
                    "torch.jit._pickle.build_genericlist", "torch.jit._pickle.restore_type_tag":
                // TorchScript wraps typed lists; the value is the first argument.
                return arg(a, 0, g.name());
            default:
                return placeholder(g, a, null);
        }
    }

    /** {@code cls.__new__(cls, *args, **kwargs)} (NEWOBJ, NEWOBJ_EX). */
    Object newObject(Object cls, PyTuple args, Object kwargs) {
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

    /** _rebuild_tensor(_v2, _v3): (storage, storage_offset, size, stride, ...). */
    private TorchTensor tensor(List<Object> a, int minArgs, TorchDType dtype, String what) {
        if (a.size() < 4 || (minArgs > 4 && a.size() < minArgs)) {
            throw new PickleError(what + " takes at least " + minArgs + " arguments, found " + a.size());
        }
        if (!(a.get(0) instanceof StorageRef storage)) {
            throw new PickleError(what + " got a " + Py.typeName(a.get(0)) + " where a storage (persistent id) belongs");
        }
        Long offset = Py.asLong(a.get(1));
        if (offset == null) {
            throw new PickleError(what + " got a storage offset of type " + Py.typeName(a.get(1)));
        }
        budget.charge(PickleBudget.OBJECT);
        return TorchTensor.view(storage, dtype == null ? storage.dtype() : dtype, offset,
                longs(a.get(2), what + " size"), longs(a.get(3), what + " stride"));
    }

    private static long[] longs(Object v, String what) {
        Collection<?> items = iterable(v, what);
        long[] out = new long[items.size()];
        int i = 0;
        for (Object o : items) {
            Long l = Py.asLong(o);
            if (l == null) {
                throw new PickleError(what + " holds a " + Py.typeName(o) + ", expected ints");
            }
            out[i++] = l;
        }
        return out;
    }

    private static Collection<?> iterable(Object v, String what) {
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

    private static PyTuple asTuple(Object v) {
        if (v instanceof PyTuple t) {
            return t;
        }
        throw new PickleError("expected an argument tuple, found a " + Py.typeName(v));
    }

    private static Object arg(List<Object> a, int i, String what) {
        if (i >= a.size()) {
            throw new PickleError(what + " needs at least " + (i + 1) + " arguments, found " + a.size());
        }
        return a.get(i);
    }
}

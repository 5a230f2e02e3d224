package dev.rnnport.format.torch.pickle;

import java.math.BigInteger;
import java.util.List;

/** Python type names of unpickled values, for messages that must never print the values themselves. */
public final class Py {
    private Py() {
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof PyBytes b) {
            return b.mutable() ? "bytearray" : "bytes";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof PyDict d) {
            return d.pythonType();
        }
        if (v instanceof PySet s) {
            return s.frozen() ? "frozenset" : "set";
        }
        if (v instanceof PyGlobal g) {
            return g.qualified();
        }
        if (v instanceof PyObject o) {
            return o.typeName() + " object";
        }
        if (v instanceof FormatValue f) {
            return f.pythonType();
        }
        return v.getClass().getSimpleName();
    }

    /** A Python int as a long, or null if {@code v} is not an int that fits. */
    public static Long asLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        return null;
    }
}

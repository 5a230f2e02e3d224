package dev.rnnport.format.torch.pickle;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pickle interpreter for protocols 0 to 5 that builds plain data and never runs or imports
 * anything from the file. Values: None is {@code null}, bool {@link Boolean}, int {@link Long} or
 * {@link BigInteger}, float {@link Double}, str {@link String}, bytes and bytearray
 * {@link PyBytes}, tuple {@link PyTuple}, list {@link ArrayList}, dict {@link PyDict}, set and
 * frozenset {@link PySet}, a global {@link PyGlobal}, an instance of anything else an inert
 * {@link PyObject}. A file format's own objects (tensors, storages) come out as the
 * {@link FormatValue}s its {@link PickleCallables} and {@link PersistentLoader} make.
 *
 * <p>Globals that could run code are refused as soon as the pickle names them (see
 * {@link UnsafeGlobals}). Every size, index and depth is checked against {@link PickleLimits}
 * and charged to a {@link PickleBudget} before memory is taken, so a hostile pickle ends in a
 * one-line {@link ModelException} rather than an exhausted heap or stack.
 */
public final class Unpickler {
    /**
     * Resolves a persistent id (BINPERSID, PERSID): a reference to something the file keeps
     * outside the pickle, such as the bytes of a tensor.
     */
    public interface PersistentLoader {
        Object load(Object pid);
    }

    private static final int MAX_NAME_LINE = 4096;
    /**
     * Tuples may be dict keys, which are hashed and compared recursively; real pickles nest them a
     * few levels, so a low bound keeps that recursion shallow on any thread stack.
     */
    static final int MAX_TUPLE_DEPTH = 100;

    private final PickleInput in;
    private final String file;
    private final String part;
    private final PickleLimits limits;
    private final PickleBudget budget;
    private final PersistentLoader persistent;
    private final PickleCallables callables;

    private final ArrayList<Object> stack = new ArrayList<>();
    private int stackHigh;
    private int[] marks = new int[16];
    private int markCount;
    private final Map<Long, Object> memo = new HashMap<>();
    private long opcodeStart;

    /**
     * An unpickler with the plain-data rules only.
     *
     * @param file       the file, named in every message
     * @param part       which pickle of the file ({@code archive/data.pkl}), for messages
     * @param persistent null if the pickle may hold no persistent ids
     */
    Unpickler(PickleInput in, String file, String part, PickleLimits limits, PickleBudget budget, PersistentLoader persistent) {
        this(in, file, part, limits, budget, persistent, new PickleCallables(budget));
    }

    /**
     * An unpickler whose REDUCE, NEWOBJ and BUILD follow {@code callables}, which charge the same
     * {@code budget}.
     */
    public Unpickler(PickleInput in, String file, String part, PickleLimits limits, PickleBudget budget, PersistentLoader persistent,
            PickleCallables callables) {
        this.in = in;
        this.file = file;
        this.part = part;
        this.limits = limits;
        this.budget = budget;
        this.persistent = persistent;
        this.callables = callables;
    }

    /** Reads one pickle, up to and including its STOP opcode. */
    public Object load() {
        try {
            return run();
        } catch (PickleError e) {
            throw new ModelException(file + ": " + part + ", byte " + opcodeStart + ": " + e.getMessage());
        }
    }

    private Object run() {
        while (true) {
            opcodeStart = in.position();
            if (in.remaining() <= 0) {
                throw new PickleError("the pickle ends without a STOP opcode (truncated file?)");
            }
            int op = in.readByte();
            switch (op) {
                case '(' -> mark();
                case '.' -> {
                    return pop();
                }
                case '0' -> {
                    if (stack.size() > fence()) {
                        stack.remove(stack.size() - 1);
                    } else {
                        popMark();
                    }
                }
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'F' -> push(box(parseFloat(text("FLOAT"))));
                case 'I' -> {
                    String s = text("INT");
                    push(s.equals("00") ? Boolean.FALSE : s.equals("01") ? Boolean.TRUE : parseInt(s));
                }
                case 'J' -> push(box((long) in.readI32()));
                case 'K' -> push((long) in.readByte());
                case 'L' -> {
                    String s = text("LONG");
                    push(parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
                }
                case 'M' -> push((long) in.readU16());
                case 'N' -> push(null);
                case 'P' -> push(persistent(text("PERSID")));
                case 'Q' -> push(persistent(pop()));
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(callables.call(callable, tupleArgs(args, "REDUCE")));
                }
                case 'S' -> push(pyString(unquote(in.readLine(lineLimit(), "STRING"))));
                case 'T' -> push(pyString(readBytes(in.readI32(), "BINSTRING")));
                case 'U' -> push(pyString(readBytes(in.readByte(), "SHORT_BINSTRING")));
                case 'V' -> push(string(rawUnicodeEscape(in.readLine(lineLimit(), "UNICODE"))));
                case 'X' -> push(utf8(readBytes(in.readU32(), "BINUNICODE")));
                case 'a' -> {
                    Object v = pop();
                    append(peek(), java.util.Collections.singletonList(v));
                }
                case 'b' -> {
                    Object state = pop();
                    callables.build(peek(), state);
                }
                case 'c' -> push(global(name("GLOBAL module"), name("GLOBAL name")));
                case 'd' -> {
                    PyDict d = newDict("builtins.dict");
                    setItems(d, popMark());
                    push(d);
                }
                case '}' -> push(newDict("builtins.dict"));
                case 'e' -> {
                    List<Object> items = popMark();
                    append(peek(), items);
                }
                case 'g' -> push(memoGet(parseIndex(text("GET"))));
                case 'h' -> push(memoGet(in.readByte()));
                case 'j' -> push(memoGet(in.readU32()));
                case 'i' -> {
                    Object cls = global(name("INST module"), name("INST name"));
                    push(callables.call(cls, tuple(popMark())));
                }
                case 'l' -> {
                    List<Object> items = popMark();
                    push(newList(items));
                }
                case ']' -> push(newList(List.of()));
                case 'o' -> {
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw new PickleError("OBJ without a class");
                    }
                    push(callables.call(items.get(0), tuple(items.subList(1, items.size()))));
                }
                case 'p' -> memoPut(parseIndex(text("PUT")));
                case 'q' -> memoPut(in.readByte());
                case 'r' -> memoPut(in.readU32());
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    List<Object> kv = new ArrayList<>(2);
                    kv.add(k);
                    kv.add(v);
                    setItems(peek(), kv);
                }
                case 't' -> push(tuple(popMark()));
                case ')' -> push(PyTuple.EMPTY);
                case 'u' -> {
                    List<Object> items = popMark();
                    setItems(peek(), items);
                }
                case 'G' -> push(box(in.readF64BigEndian()));
                case 'B' -> push(bytes(readBytes(in.readU32(), "BINBYTES"), false));
                case 'C' -> push(bytes(readBytes(in.readByte(), "SHORT_BINBYTES"), false));
                case 0x80 -> {
                    int proto = in.readByte();
                    if (proto > 5) {
                        throw new PickleError("pickle protocol " + proto + " is newer than 5, the highest rnnport reads");
                    }
                }
                case 0x81 -> {
                    Object args = pop();
                    Object cls = pop();
                    push(callables.newObject(cls, tupleArgs(args, "NEWOBJ"), null));
                }
                case 0x82, 0x83, 0x84 -> throw new PickleError("EXT" + (op == 0x82 ? 1 : op == 0x83 ? 2 : 4)
                        + " (copyreg extension registry codes) is not supported: the code names a class only the writer's Python knew");
                case 0x85 -> push(tupleOf(1));
                case 0x86 -> push(tupleOf(2));
                case 0x87 -> push(tupleOf(3));
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 0x8a -> push(decodeLong(readBytes(in.readByte(), "LONG1")));
                case 0x8b -> push(decodeLong(readBytes(in.readI32(), "LONG4")));
                case 0x8c -> push(utf8(readBytes(in.readByte(), "SHORT_BINUNICODE")));
                case 0x8d -> push(utf8(readBytes(in.readI64(), "BINUNICODE8")));
                case 0x8e -> push(bytes(readBytes(in.readI64(), "BINBYTES8"), false));
                case 0x8f -> push(newSet(false));
                case 0x90 -> {
                    List<Object> items = popMark();
                    Object target = peek();
                    if (target instanceof PySet s && s.frozen()) {
                        throw new PickleError("ADDITEMS on a frozenset");
                    }
                    addItems(target, items);
                }
                case 0x91 -> {
                    List<Object> items = popMark();
                    PySet s = newSet(true);
                    addItems(s, items);
                    push(s);
                }
                case 0x92 -> {
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    push(callables.newObject(cls, tupleArgs(args, "NEWOBJ_EX"), kwargs));
                }
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw new PickleError("STACK_GLOBAL needs two strings, found " + Py.typeName(module) + " and " + Py.typeName(name));
                    }
                    push(global(m, n));
                }
                case 0x94 -> memoPut(memo.size());
                case 0x95 -> {
                    long frame = in.readI64();
                    if (frame < 0 || frame > in.remaining()) {
                        throw new PickleError("FRAME claims " + Long.toUnsignedString(frame) + " bytes but only "
                                + in.remaining() + " remain");
                    }
                }
                case 0x96 -> push(bytes(readBytes(in.readI64(), "BYTEARRAY8"), true));
                case 0x97, 0x98 -> throw new PickleError((op == 0x97 ? "NEXT_BUFFER" : "READONLY_BUFFER")
                        + " (out-of-band buffers of pickle protocol 5) is not supported: the data is not in the file");
                default -> throw new PickleError(String.format("unknown opcode 0x%02x (not a pickle, or corrupt)", op));
            }
        }
    }

    // ------------------------------------------------------------------ stack, marks and memo

    private int fence() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void push(Object v) {
        if (stack.size() >= limits.maxStack()) {
            throw new PickleError("more than " + limits.maxStack() + " values on the pickle stack");
        }
        stack.add(v);
        if (stack.size() > stackHigh) {
            budget.charge(2 * PickleBudget.SLOT);
            stackHigh = stack.size();
        }
    }

    private Object pop() {
        if (stack.size() <= fence()) {
            throw new PickleError(markCount > 0 ? "unexpected MARK (an opcode needs a value the MARK fences off)" : "stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.size() <= fence()) {
            throw new PickleError(markCount > 0 ? "unexpected MARK (an opcode needs a value the MARK fences off)" : "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private void mark() {
        if (markCount >= limits.maxNesting()) {
            throw new PickleError("more than " + limits.maxNesting() + " nested MARKs (a nesting bomb?)");
        }
        if (markCount == marks.length) {
            marks = java.util.Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    /** The values above the last MARK, removed from the stack with the MARK. */
    private List<Object> popMark() {
        if (markCount == 0) {
            throw new PickleError("no MARK to pop to");
        }
        int m = marks[--markCount];
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private PyTuple tupleOf(int n) {
        if (stack.size() - fence() < n) {
            throw new PickleError("TUPLE" + n + " needs " + n + " values on the stack");
        }
        List<Object> tail = stack.subList(stack.size() - n, stack.size());
        PyTuple t = tuple(new ArrayList<>(tail));
        tail.clear();
        return t;
    }

    private void memoPut(long index) {
        if (index < 0 || index >= limits.maxMemo()) {
            throw new PickleError("memo index " + index + " is beyond the limit of " + limits.maxMemo()
                    + " (a memo bomb?)");
        }
        Object v = peek();
        if (memo.put(index, v) == null) {
            budget.charge(PickleBudget.OBJECT);
        }
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null && !memo.containsKey(index)) {
            throw new PickleError("memo index " + index + " was never stored");
        }
        return v;
    }

    // ------------------------------------------------------------------ containers

    private PyDict newDict(String type) {
        budget.charge(PickleBudget.OBJECT);
        return new PyDict(type);
    }

    private List<Object> newList(List<Object> items) {
        budget.charge(PickleBudget.OBJECT + PickleBudget.SLOT * (long) items.size());
        return new ArrayList<>(items);
    }

    private PySet newSet(boolean frozen) {
        budget.charge(PickleBudget.OBJECT);
        return new PySet(frozen);
    }

    private PyTuple tuple(List<Object> items) {
        budget.charge(PickleBudget.OBJECT + PickleBudget.SLOT * (long) items.size());
        return PyTuple.of(items);
    }

    private static PyTuple tupleArgs(Object args, String op) {
        if (args instanceof PyTuple t) {
            return t;
        }
        throw new PickleError(op + " arguments must be a tuple, found a " + Py.typeName(args));
    }

    @SuppressWarnings("unchecked")
    private void append(Object target, List<Object> items) {
        budget.charge(PickleBudget.SLOT * (long) items.size());
        if (target instanceof ArrayList<?> list) {
            ((List<Object>) list).addAll(items);
        } else if (target instanceof PyObject o) {
            o.listItems().addAll(items);
        } else {
            throw new PickleError("APPEND to a " + Py.typeName(target) + " is not supported");
        }
    }

    private void setItems(Object target, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleError("SETITEMS with an odd number of values");
        }
        budget.charge(PickleBudget.SLOT * (long) items.size());
        Map<Object, Object> map;
        if (target instanceof PyDict d) {
            map = d.items();
        } else if (target instanceof PyObject o) {
            map = o.dictItems();
        } else {
            throw new PickleError("SETITEM on a " + Py.typeName(target) + " is not supported");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(hashable(items.get(i)), items.get(i + 1));
        }
    }

    private void addItems(Object target, List<Object> items) {
        budget.charge(PickleBudget.SLOT * (long) items.size());
        if (target instanceof PySet s) {
            for (Object o : items) {
                s.items().add(hashable(o));
            }
        } else if (target instanceof PyObject o) {
            o.listItems().addAll(items);
        } else {
            throw new PickleError("ADDITEMS on a " + Py.typeName(target) + " is not supported");
        }
    }

    /** {@code key}, if Python could use it as a dict key or set element. */
    static Object hashable(Object key) {
        if (key instanceof PyTuple t) {
            for (Object o : t.items()) {
                hashable(o);
            }
            return t;
        }
        if (key instanceof List || key instanceof PyDict || (key instanceof PySet s && !s.frozen())
                || (key instanceof PyBytes b && b.mutable())) {
            throw new PickleError("unhashable " + Py.typeName(key) + " used as a dict key or set element");
        }
        return key;
    }

    // ------------------------------------------------------------------ globals and persistent ids

    private Object global(String module, String name) {
        if (UnsafeGlobals.isUnsafe(module, name)) {
            throw new ModelException(RnnportException.Kind.UNSAFE, "unsafe pickle in " + file + ": calls " + module + "." + name);
        }
        budget.charge(PickleBudget.OBJECT);
        PyGlobal g = new PyGlobal(UnsafeGlobals.python3Module(module), name);
        callables.named(g);
        return g;
    }

    private Object persistent(Object pid) {
        if (persistent == null) {
            throw new PickleError("persistent id in a pickle that cannot hold one");
        }
        return persistent.load(pid);
    }

    // ------------------------------------------------------------------ scalars and strings

    private byte[] readBytes(long n, String what) {
        in.require(n, what);
        budget.charge(PickleBudget.BOX + n);
        return in.readBytes(n, what);
    }

    private String name(String what) {
        return new String(in.readLine(MAX_NAME_LINE, what), StandardCharsets.UTF_8);
    }

    private String text(String what) {
        return new String(in.readLine(lineLimit(), what), StandardCharsets.ISO_8859_1);
    }

    /** Text opcodes may carry long lines; they may use what remains of the budget, with room for copies. */
    private int lineLimit() {
        return (int) Math.min(Integer.MAX_VALUE - 8, (budget.limit() - budget.used()) / 4);
    }

    private Object box(Object v) {
        budget.charge(PickleBudget.BOX);
        return v;
    }

    private String string(String s) {
        budget.charge(PickleBudget.BOX + 2L * s.length());
        return s;
    }

    private String utf8(byte[] b) {
        budget.charge(PickleBudget.BOX + 2L * b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * A Python 2 str (STRING, BINSTRING, SHORT_BINSTRING) as torch.load decodes it (UTF-8); bytes
     * that are not UTF-8 are read as Latin-1 rather than failing the whole checkpoint.
     */
    private String pyString(byte[] b) {
        budget.charge(PickleBudget.BOX + 2L * b.length);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    private PyBytes bytes(byte[] b, boolean mutable) {
        return new PyBytes(b, mutable);
    }

    private Object parseInt(String s) {
        String t = s.trim().replace("_", "");
        boolean negative = t.startsWith("-");
        String digits = negative || t.startsWith("+") ? t.substring(1) : t;
        int radix = 10;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            char p = Character.toLowerCase(digits.charAt(1));
            radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 10;
            if (radix != 10) {
                digits = digits.substring(2);
            }
        }
        try {
            BigInteger v = new BigInteger(digits, radix);
            return normalise(negative ? v.negate() : v);
        } catch (NumberFormatException e) {
            throw new PickleError("bad integer '" + abbreviate(s) + "'");
        }
    }

    private long parseIndex(String s) {
        Object v = parseInt(s);
        if (!(v instanceof Long l)) {
            throw new PickleError("memo index '" + abbreviate(s) + "' is out of range");
        }
        return l;
    }

    private static double parseFloat(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan":
                return Double.NaN;
            default:
                try {
                    if (t.endsWith("d") || t.endsWith("f")) {
                        throw new NumberFormatException();
                    }
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new PickleError("bad float '" + abbreviate(s) + "'");
                }
        }
    }

    private Object decodeLong(byte[] littleEndian) {
        if (littleEndian.length == 0) {
            return 0L;
        }
        byte[] big = new byte[littleEndian.length];
        for (int i = 0; i < big.length; i++) {
            big[i] = littleEndian[littleEndian.length - 1 - i];
        }
        return normalise(new BigInteger(big));
    }

    private Object normalise(BigInteger v) {
        budget.charge(PickleBudget.BOX + v.bitLength() / 8);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** The body of a protocol 0 STRING: a quoted Python literal with backslash escapes. */
    private static byte[] unquote(byte[] line) {
        int n = line.length;
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ')) {
            n--;
        }
        if (n < 2 || line[0] != line[n - 1] || (line[0] != '\'' && line[0] != '"')) {
            throw new PickleError("the STRING opcode argument must be quoted");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n);
        for (int i = 1; i < n - 1; i++) {
            int c = line[i] & 0xff;
            if (c != '\\' || i + 1 >= n - 1) {
                out.write(c);
                continue;
            }
            int e = line[++i] & 0xff;
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.write(e);
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 2 >= n - 1 || hex(line[i + 1]) < 0 || hex(line[i + 2]) < 0) {
                        throw new PickleError("invalid \\x escape in STRING");
                    }
                    out.write(hex(line[i + 1]) * 16 + hex(line[i + 2]));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i + 1 < n - 1 && line[i + 1] >= '0' && line[i + 1] <= '7'; k++) {
                            v = v * 8 + (line[++i] - '0');
                        }
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return Character.digit((char) (b & 0xff), 16);
    }

    /** Python's raw-unicode-escape: Latin-1 bytes, except an odd run of backslashes before u/U starts an escape. */
    private static String rawUnicodeEscape(byte[] b) {
        StringBuilder s = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c != '\\') {
                s.append((char) c);
                i++;
                continue;
            }
            int run = 0;
            while (i + run < b.length && b[i + run] == '\\') {
                run++;
            }
            int after = i + run;
            boolean escape = run % 2 == 1 && after < b.length && (b[after] == 'u' || b[after] == 'U');
            s.append("\\".repeat(escape ? run - 1 : run));
            i = after;
            if (escape) {
                int digits = b[after] == 'u' ? 4 : 8;
                if (after + digits >= b.length) {
                    throw new PickleError("truncated \\u escape in UNICODE");
                }
                int cp = 0;
                for (int k = 1; k <= digits; k++) {
                    int h = hex(b[after + k]);
                    if (h < 0) {
                        throw new PickleError("invalid \\u escape in UNICODE");
                    }
                    cp = cp * 16 + h;
                }
                if (!Character.isValidCodePoint(cp)) {
                    throw new PickleError("\\U escape beyond Unicode in UNICODE");
                }
                s.appendCodePoint(cp);
                i = after + 1 + digits;
            }
        }
        return s.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}

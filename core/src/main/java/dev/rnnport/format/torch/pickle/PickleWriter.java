package dev.rnnport.format.torch.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes protocol 2 pickle opcodes, only those torch.load(weights_only=True) accepts since
 * PyTorch 1.13. Globals are memoized and reused as Python's pickler does.
 */
public final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memo = new HashMap<>();

    public PickleWriter proto() {
        out.write(0x80);
        out.write(2);
        return this;
    }

    public PickleWriter global(String module, String name) {
        String key = module + "\n" + name;
        Integer index = memo.get(key);
        if (index != null) {
            return get(index);
        }
        out.write('c');
        out.writeBytes((key + "\n").getBytes(StandardCharsets.UTF_8));
        return put(key);
    }

    public PickleWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        writeInt32(b.length);
        out.writeBytes(b);
        return this;
    }

    public PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            out.write((int) v & 0xff);
            out.write((int) (v >>> 8) & 0xff);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            writeInt32((int) v);
        } else {
            byte[] le = new byte[8];
            for (int i = 0; i < 8; i++) {
                le[i] = (byte) (v >>> (8 * i));
            }
            int n = 8;
            while (n > 1 && ((le[n - 1] == 0 && le[n - 2] >= 0) || (le[n - 1] == -1 && le[n - 2] < 0))) {
                n--;
            }
            out.write(0x8a);
            out.write(n);
            out.write(le, 0, n);
        }
        return this;
    }

    public PickleWriter bool(boolean b) {
        out.write(b ? 0x88 : 0x89);
        return this;
    }

    /** A tuple of ints, as Python writes a small one (EMPTY_TUPLE, TUPLE1-3) or MARK ... TUPLE. */
    public PickleWriter intTuple(List<Long> values) {
        if (values.size() > 3) {
            mark();
        }
        for (long v : values) {
            integer(v);
        }
        return switch (values.size()) {
            case 0 -> op(')');
            case 1 -> op(0x85);
            case 2 -> op(0x86);
            case 3 -> op(0x87);
            default -> op('t');
        };
    }

    public PickleWriter mark() {
        return op('(');
    }

    public PickleWriter tuple() {
        return op('t');
    }

    public PickleWriter emptyTuple() {
        return op(')');
    }

    public PickleWriter emptyDict() {
        return op('}');
    }

    public PickleWriter reduce() {
        return op('R');
    }

    public PickleWriter binPersId() {
        return op('Q');
    }

    public PickleWriter setItem() {
        return op('s');
    }

    public PickleWriter setItems() {
        return op('u');
    }

    public PickleWriter build() {
        return op('b');
    }

    public PickleWriter stop() {
        return op('.');
    }

    /** Memoizes the value on top of the stack under {@code key}. */
    public PickleWriter put(String key) {
        int index = memo.size();
        memo.put(key, index);
        if (index < 256) {
            out.write('q');
            out.write(index);
        } else {
            out.write('r');
            writeInt32(index);
        }
        return this;
    }

    PickleWriter get(int index) {
        if (index < 256) {
            out.write('h');
            out.write(index);
        } else {
            out.write('j');
            writeInt32(index);
        }
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private PickleWriter op(int code) {
        out.write(code);
        return this;
    }

    private void writeInt32(int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 24) & 0xff);
    }
}

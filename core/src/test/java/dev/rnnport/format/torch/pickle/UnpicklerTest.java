package dev.rnnport.format.torch.pickle;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The opcode interpreter against Python's own pickles: every protocol's encoding of one value
 * gives the value Python's pickle.loads gave (recorded in expected.json).
 */
class UnpicklerTest {
    private static final Path OPCODES = TORCH.resolve("opcodes");

    static Object unpickle(Path file) throws IOException {
        return unpickle(Files.readAllBytes(file), file.toString());
    }

    static Object unpickle(byte[] data, String name) {
        PickleLimits limits = PickleLimits.defaults();
        return new Unpickler(PickleInput.of(data), name, "pickle", limits, new PickleBudget(limits.maxAllocation()), null).load();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void everyProtocolGivesPythonsValue(int protocol) throws IOException {
        Object expected = Json.parse(Files.readString(OPCODES.resolve("expected.json")));
        Object actual = describe(unpickle(OPCODES.resolve("protocol" + protocol + ".pkl")));
        assertEquals(canonical(expected), canonical(actual));
    }

    @Test
    void python2Opcodes() throws IOException {
        Object expected = Json.parse(Files.readString(OPCODES.resolve("python2_expected.json")));
        assertEquals(canonical(expected), canonical(describe(unpickle(OPCODES.resolve("python2_opcodes.pkl")))));
    }

    @Test
    void sharedReferencesStayShared() throws IOException {
        PyDict d = (PyDict) unpickle(OPCODES.resolve("protocol4.pkl"));
        List<?> shared = (List<?>) d.get("shared");
        assertTrue(shared.get(0) == shared.get(1), "the memo keeps one list, referenced twice");
    }

    @Test
    void extensionCodesAreRefused() {
        ModelException e = assertThrows(ModelException.class, () -> unpickle(OPCODES.resolve("ext1.pkl")));
        assertTrue(e.getMessage().contains("EXT1"), e.getMessage());
    }

    @Test
    void outOfBandBuffersAreRefused() {
        ModelException e = assertThrows(ModelException.class, () -> unpickle(OPCODES.resolve("next_buffer.pkl")));
        assertTrue(e.getMessage().contains("NEXT_BUFFER"), e.getMessage());
    }

    /** Names that would run code are refused as soon as GLOBAL or STACK_GLOBAL names them. */
    @ParameterizedTest
    @ValueSource(strings = {"os system", "posix system", "nt system", "subprocess check_output", "builtins eval",
        "builtins exec", "builtins compile", "builtins open", "builtins __import__", "builtins getattr",
        "builtins setattr", "builtins delattr", "builtins globals", "builtins locals", "builtins input",
        "builtins breakpoint", "__builtin__ eval", "importlib import_module", "runpy run_path", "sys modules",
        "shutil rmtree", "socket socket", "pickle loads", "_pickle loads", "marshal loads", "webbrowser open",
        "pty spawn", "code InteractiveInterpreter", "codeop compile_command", "ctypes CDLL",
        "multiprocessing Process", "signal signal", "tempfile mkstemp", "functools partial",
        "operator attrgetter", "operator methodcaller", "types FunctionType", "types CodeType", "torch load",
        "torch.serialization load", "torch.jit load", "torch.storage _load_from_bytes", "numpy.testing._private.utils runstring",
        "torch.nn.modules.module Module.__reduce_ex__.__globals__"})
    void unsafeGlobalsAreRefusedByName(String global) {
        String module = global.substring(0, global.indexOf(' '));
        String name = global.substring(global.indexOf(' ') + 1);
        byte[] viaGlobal = ("\u0080\u0002c" + module + "\n" + name + "\n)R.").getBytes(StandardCharsets.ISO_8859_1);
        ModelException e = assertThrows(ModelException.class, () -> unpickle(viaGlobal, "x.pt"));
        assertEquals("unsafe pickle in x.pt: calls " + module + "." + name, e.getMessage());

        byte[] m = module.getBytes(StandardCharsets.UTF_8);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] viaStack = new byte[2 + 2 + m.length + 2 + n.length + 2];
        int i = 0;
        viaStack[i++] = (byte) 0x80;
        viaStack[i++] = 4;
        viaStack[i++] = (byte) 0x8c;
        viaStack[i++] = (byte) m.length;
        System.arraycopy(m, 0, viaStack, i, m.length);
        i += m.length;
        viaStack[i++] = (byte) 0x8c;
        viaStack[i++] = (byte) n.length;
        System.arraycopy(n, 0, viaStack, i, n.length);
        i += n.length;
        viaStack[i++] = (byte) 0x93;
        viaStack[i] = '.';
        e = assertThrows(ModelException.class, () -> unpickle(viaStack, "x.pt"));
        assertEquals("unsafe pickle in x.pt: calls " + module + "." + name, e.getMessage());
    }

    /** Foreign classes are kept as inert records, whatever is done to them. */
    @Test
    void foreignObjectsAreInertRecords() {
        byte[] p = "\u0080\u0002cmypkg.models\nTagger\n)\u0081}X\u0001\u0000\u0000\u0000aK\u0001sb.".getBytes(StandardCharsets.ISO_8859_1);
        PyObject o = (PyObject) unpickle(p, "x.pt");
        assertEquals("mypkg.models.Tagger", o.typeName());
        assertEquals(1L, ((PyDict) o.state()).get("a"));
    }

    /** Hyper-parameters in a types.SimpleNamespace are data, not code: kept as a record. */
    @Test
    void simpleNamespaceIsData() {
        // pickle.dumps(types.SimpleNamespace(lr=0.1), protocol=2), byte for byte.
        byte[] p = ("\u0080\u0002ctypes\nSimpleNamespace\nq\u0000)Rq\u0001}q\u0002X\u0002\u0000\u0000\u0000lrq\u0003"
                + "G?\u00b9\u0099\u0099\u0099\u0099\u0099\u009asb.").getBytes(StandardCharsets.ISO_8859_1);
        PyObject o = (PyObject) unpickle(p, "x.pt");
        assertEquals("types.SimpleNamespace", o.typeName());
        assertEquals(0.1, ((PyDict) o.state()).get("lr"));
    }

    @Test
    void truncatedPickleIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(OPCODES.resolve("protocol2.pkl"));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        ModelException e = assertThrows(ModelException.class, () -> unpickle(cut, "cut.pkl"));
        assertTrue(e.getMessage().startsWith("cut.pkl: pickle, byte "), e.getMessage());
    }

    // -------------------------------------------------- the tagged JSON form of make_torch_files.py

    static Object describe(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Long l) {
            return Math.abs(l) < (1L << 53) ? l : Map.of("int", l.toString());
        }
        if (v instanceof BigInteger b) {
            return Map.of("int", b.toString());
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return Map.of("float", d.isNaN() ? "nan" : d > 0 ? "inf" : "-inf");
            }
            return d;
        }
        if (v instanceof PyBytes b) {
            return Map.of(b.mutable() ? "bytearray" : "bytes", HexFormat.of().formatHex(b.data()));
        }
        if (v instanceof PyTuple t) {
            return Map.of("tuple", t.items().stream().map(UnpicklerTest::describe).toList());
        }
        if (v instanceof List<?> l) {
            return l.stream().map(UnpicklerTest::describe).toList();
        }
        if (v instanceof PySet s) {
            return Map.of(s.frozen() ? "frozenset" : "set", s.items().stream().map(UnpicklerTest::describe).toList());
        }
        if (v instanceof PyDict d) {
            List<Object> pairs = new ArrayList<>();
            d.items().forEach((k, x) -> pairs.add(List.of(describe(k), describe(x))));
            return Map.of("dict", pairs);
        }
        if (v instanceof PyObject o) {
            return Map.of("object", o.typeName(), "state", describe(o.state()));
        }
        throw new AssertionError("unexpected " + v.getClass());
    }

    /** Sorts set elements and turns whole-number doubles parsed from JSON back where needed, for comparison. */
    static Object canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> {
                Object c = canonical(x);
                if (("set".equals(k) || "frozenset".equals(k)) && c instanceof List<?> l) {
                    List<Object> sorted = new ArrayList<>(l);
                    sorted.sort(Comparator.comparing(String::valueOf));
                    c = sorted;
                }
                out.put(k, c);
            });
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(UnpicklerTest::canonical).toList();
        }
        return v;
    }
}

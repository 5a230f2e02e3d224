package dev.rnnport.format.torch.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Globals are judged by what Python's find_class would reach: it imports the module and follows
 * the name attribute by attribute, so a code-running function is refused however it is spelled,
 * through whichever modules the path passes. Each case is tried through GLOBAL (protocol 0 to 3)
 * and STACK_GLOBAL (protocol 4 and up), and the refusal must name the global the pickle spelled.
 */
class UnsafeGlobalsTest {

    static byte[] viaGlobal(String module, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(2);
        b.writeBytes(("c" + module + "\n" + name + "\n)R.").getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static byte[] viaStackGlobal(String module, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(4);
        for (String s : new String[] {module, name}) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            b.write(0x8c);
            b.write(u.length);
            b.writeBytes(u);
        }
        b.write(0x93);
        b.writeBytes(")R.".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** Both spellings are refused, naming exactly the global the pickle named. */
    static void assertRefused(String module, String name) {
        for (byte[] pickle : List.of(viaGlobal(module, name), viaStackGlobal(module, name))) {
            ModelException e = assertThrows(ModelException.class, () -> UnpicklerTest.unpickle(pickle, "x.pt"),
                    module + " " + name + " must be refused");
            assertEquals("unsafe pickle in x.pt: calls " + module + "." + name, e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({
        // A function reached through a module that imported os.
        "torch, os.system",
        "numpy, os.system",
        "collections, os.system",
        "collections, os.popen",
        "argparse, _os.system",
        // Several modules deep: torch imports torch.nn, which imports torch, which imports os.
        "torch.nn, modules.module.torch.os.system",
        "torch, serialization.pickle.loads",
        "numpy, core.multiarray.os.execv",
        "torch.nn.functional, torch.load",
        "collections, sys.modules",
        "collections, subprocess.Popen",
        "typing, collections.abc.sys.modules",
        // Builtins, however reached.
        "builtins, getattr",
        "__main__, __builtins__.eval",
        "collections, builtins.exec",
        "six.moves.builtins, eval",
        "mypkg.helpers, eval",
        "mypkg.helpers, system",
        "collections, types.FunctionType",
        // torch._C is native code with no rebuilding in it: refused under every path.
        "torch, _C._nn.gelu",
        "torch._C, _set_grad_enabled",
        "torch.nn, functional.torch._C._nn.gelu",
        // Reflection through dunder attributes.
        "torch.nn.modules.module, Module.__reduce_ex__.__globals__",
        "collections, OrderedDict.__init__.__globals__",
        // Python 2 names and case: __builtin__ is builtins; an import with PYTHONCASEOK finds OS as os.
        "__builtin__, getattr",
        "OS, system",
        "torch, OS.system"})
    void attributePathsAreResolvedLikeFindClass(String module, String name) {
        assertRefused(module, name);
    }

    @Test
    void everyDeniedModuleIsRefusedAloneAndAsAnAttributeOfAnother() {
        List<String> missed = new ArrayList<>();
        for (String m : UnsafeGlobals.modules()) {
            check(missed, m, "anything");
            check(missed, "collections", m + ".anything");
            check(missed, "torch.nn.modules.module", "torch." + m + ".anything");
        }
        assertEquals(List.of(), missed, "deny-listed modules that got through");
        assertTrue(UnsafeGlobals.modules().size() > 100, "the whole list was walked");
    }

    @Test
    void everyDeniedNameIsRefusedAloneAndAsAnAttributeOfAnother() {
        List<String> missed = new ArrayList<>();
        for (String n : UnsafeGlobals.names()) {
            int dot = n.lastIndexOf('.');
            check(missed, n.substring(0, dot), n.substring(dot + 1));
            check(missed, "collections", n);
            check(missed, "numpy", "core." + n);
        }
        assertEquals(List.of(), missed, "deny-listed names that got through");
    }

    @Test
    void everyDeniedFunctionIsRefusedUnderAnyModule() {
        List<String> missed = new ArrayList<>();
        for (String f : UnsafeGlobals.functions()) {
            check(missed, "mypkg.helpers", f);
            check(missed, "torch", "nn.functional." + f);
        }
        assertEquals(List.of(), missed, "deny-listed functions that got through");
    }

    private static void check(List<String> missed, String module, String name) {
        for (byte[] pickle : List.of(viaGlobal(module, name), viaStackGlobal(module, name))) {
            try {
                UnpicklerTest.unpickle(pickle, "x.pt");
                missed.add(module + " " + name);
            } catch (ModelException e) {
                if (!e.getMessage().equals("unsafe pickle in x.pt: calls " + module + "." + name)) {
                    missed.add(module + " " + name + " (" + e.getMessage() + ")");
                }
            }
        }
    }

    /** What honest checkpoints name stays readable: rebuilding, containers and foreign classes as inert records. */
    @ParameterizedTest
    @CsvSource({
        "torch._utils, _rebuild_tensor_v2",
        "torch._tensor, _rebuild_from_type_v2",
        "torch, FloatStorage",
        "torch, Size",
        "torch.jit._pickle, build_intlist",
        "collections, OrderedDict",
        "argparse, Namespace",
        "types, SimpleNamespace",
        "numpy.core.multiarray, _reconstruct",
        "numpy, dtype",
        "__main__, Dictionary",
        "mypkg.models, Outer.Inner",
        // A package's own submodule named like a standard one is resolved in the package's folder.
        "mypkg.io.readers, Config"})
    void honestGlobalsAreData(String module, String name) {
        assertTrue(UnsafeGlobals.reason(module, name) == null, module + "." + name + ": " + UnsafeGlobals.reason(module, name));
        Object v = UnpicklerTest.unpickle(viaStackGlobal(module, name), "x.pt");
        assertTrue(v instanceof PyObject || v instanceof PyDict || v instanceof PyTuple, String.valueOf(v));
    }
}

package dev.rnnport.format.torch.pickle;

import java.util.Map;
import java.util.Set;

/**
 * Globals that would run code, touch files, processes or the network, or import modules if a
 * Python unpickler resolved them. rnnport never resolves any global, so loading such a pickle
 * could do no harm here; a file that names one is refused anyway, because no honest checkpoint
 * does and the user should know what the file tries to do.
 */
final class UnsafeGlobals {
    /** Whole modules (and their submodules). */
    private static final Set<String> MODULES = Set.of(
            "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "_posixsubprocess", "_winapi",
            "sys", "importlib", "imp", "zipimport", "pkgutil", "runpy", "site",
            "shutil", "tempfile", "io", "_io", "pathlib", "fileinput", "glob",
            "socket", "_socket", "ssl", "select", "selectors", "socketserver", "asyncio", "http", "urllib",
            "urllib2", "httplib", "ftplib", "smtplib", "telnetlib", "xmlrpc", "webbrowser",
            "pickle", "_pickle", "cPickle", "pickletools", "marshal", "shelve", "dill", "cloudpickle", "joblib",
            "pty", "tty", "code", "codeop", "pdb", "bdb", "timeit", "cProfile", "profile", "trace", "doctest",
            "pydoc", "inspect", "gc", "ctypes", "_ctypes", "cffi", "multiprocessing", "_multiprocessing",
            "concurrent", "threading", "_thread", "signal", "_signal", "mmap", "fcntl", "resource",
            "functools", "_functools", "operator", "_operator", "yaml", "idlelib", "lib2to3",
            "distutils", "setuptools", "pip", "ensurepip", "venv", "logging.config",
            "torch.serialization", "torch.hub", "torch.package", "torch.fx", "torch._dynamo",
            "torch.distributed", "torch.utils.cpp_extension", "torch.ops", "torch._ops", "torch.classes",
            "torch._C", "torch.jit._serialization", "torch.storage._load_from_bytes",
            "numpy.load", "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.ctypeslib",
            "numpy.lib.npyio", "pandas.read_pickle", "pandas.io");

    /** Single names, mostly builtins that evaluate, import, reflect or do I/O. */
    private static final Set<String> NAMES = Set.of(
            "builtins.eval", "builtins.exec", "builtins.__import__", "builtins.compile", "builtins.open", "builtins.getattr",
            "builtins.setattr", "builtins.delattr", "builtins.globals", "builtins.locals", "builtins.vars",
            "builtins.input", "builtins.breakpoint", "builtins.exit", "builtins.quit", "builtins.help",
            "builtins.memoryview", "builtins.__build_class__", "builtins.__loader__", "builtins.execfile",
            "builtins.file", "builtins.reload", "builtins.apply", "builtins.dir", "builtins.classmethod",
            "builtins.staticmethod", "builtins.property", "builtins.super",
            "torch.load", "torch.save", "torch.jit.load", "torch.jit.save", "torch.load_state_dict",
            // types makes functions, code objects and modules; its SimpleNamespace is plain data that
            // hyper-parameters often travel in, so the module as a whole is not refused.
            "types.FunctionType", "types.LambdaType", "types.CodeType", "types.MethodType", "types.ModuleType",
            "types.BuiltinFunctionType", "types.BuiltinMethodType", "types.CellType", "types.new_class",
            "types.coroutine", "types.DynamicClassAttribute", "types.MethodWrapperType", "types.WrapperDescriptorType");

    /** Python 2 module names that Python 3's unpickler maps (fix_imports) before resolving. */
    private static final Map<String, String> PYTHON2 = Map.of(
            "__builtin__", "builtins", "copy_reg", "copyreg", "exceptions", "builtins",
            "cStringIO", "io", "StringIO", "io", "commands", "subprocess", "thread", "_thread");

    private UnsafeGlobals() {
    }

    /** {@code module} as Python 3 names it. */
    static String python3Module(String module) {
        return PYTHON2.getOrDefault(module, module);
    }

    /**
     * True if resolving {@code module.name} could run code. Dotted names (protocol 4 allows
     * {@code name = "system.__call__"}) are judged by their whole path.
     */
    static boolean isUnsafe(String module, String name) {
        String full = python3Module(module) + "." + name;
        if (NAMES.contains(full)) {
            return true;
        }
        // Any dunder attribute path (__reduce__, __globals__, __builtins__ ...) is a reflection gadget.
        if (name.contains(".") && name.contains("__")) {
            return true;
        }
        for (int dot = full.indexOf('.'); ; dot = full.indexOf('.', dot + 1)) {
            String prefix = dot < 0 ? full : full.substring(0, dot);
            if (MODULES.contains(prefix) || NAMES.contains(prefix)) {
                return true;
            }
            if (dot < 0) {
                return false;
            }
        }
    }
}

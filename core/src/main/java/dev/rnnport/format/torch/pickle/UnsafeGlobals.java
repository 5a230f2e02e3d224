package dev.rnnport.format.torch.pickle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Globals that would run code, touch files, processes or the network, or import modules if a
 * Python unpickler resolved them. rnnport never resolves any global, so loading such a pickle
 * could do no harm here; a file that names one is refused anyway, because no honest checkpoint
 * does and the user should know what the file tries to do.
 *
 * <p>A global is judged by what Python's {@code find_class} would reach, not by how it is
 * spelled. {@code find_class(module, name)} imports {@code module} and then follows {@code name}
 * attribute by attribute ({@code getattr} per dot), so {@code ('torch', 'os.system')} is
 * {@code os.system}: torch imported os, and every module is an attribute path away from the
 * modules it imported. A path is therefore refused when any module or attribute along it is one
 * of the unsafe ones below, wherever on the path it stands.
 */
final class UnsafeGlobals {
    /** Whole modules (and their submodules), as the first segments of a path or anywhere on an attribute path. */
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

    /**
     * Functions that run commands, evaluate code or load files, under whatever module they are
     * reached: a module that did {@code from os import system} or {@code from builtins import *}
     * holds them as attributes of its own.
     */
    private static final Set<String> FUNCTIONS = Set.of(
            "eval", "exec", "execfile", "compile", "__import__", "open", "getattr", "setattr", "delattr",
            "globals", "locals", "vars", "breakpoint", "input", "system", "popen", "Popen", "spawn",
            "check_output", "check_call", "getoutput", "getstatusoutput", "execv", "execve", "execl", "execle",
            "execlp", "execvp", "execvpe", "spawnl", "spawnv", "spawnve", "spawnlp", "posix_spawn", "startfile",
            "fork", "forkpty", "kill", "remove", "unlink", "rmdir", "rmtree", "removedirs", "rename", "chmod",
            "load", "loads", "import_module", "run_path", "run_module", "urlopen", "urlretrieve");

    /**
     * Package submodules that share a name with a standard module refused above and are plainly
     * their package's own: a module path is resolved through the package's folder, so
     * {@code torch.jit._pickle} is torch's TorchScript list rebuilding, not CPython's pickler.
     */
    private static final Set<String> OWN_SUBMODULES = Set.of("torch.jit._pickle");

    /**
     * Standard modules a package's module path may alias through {@code sys.modules} (six's
     * {@code six.moves.builtins}, {@code os.path}): refused wherever they stand in a module path.
     * The rest of {@link #MODULES} inside a package's path ({@code mypkg.io}) is that package's own.
     */
    private static final Set<String> ALIASED_MODULES = Set.of(
            "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "builtins", "__builtin__", "importlib",
            "runpy", "pty", "ctypes", "_ctypes", "socket", "shutil", "pickle", "_pickle", "cPickle", "marshal",
            "dill", "cloudpickle", "webbrowser", "multiprocessing");

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

    /** The deny-list of modules, for tests that walk all of it. */
    static Set<String> modules() {
        return MODULES;
    }

    /** The deny-list of single names ({@code module.name}), for tests that walk all of it. */
    static Set<String> names() {
        return NAMES;
    }

    /** The deny-list of functions refused under any module, for tests that walk all of it. */
    static Set<String> functions() {
        return FUNCTIONS;
    }

    /**
     * True if resolving {@code module.name} as Python's {@code find_class} does could run code.
     * Names are compared without regard to case: an import on a case-insensitive file system with
     * {@code PYTHONCASEOK} set finds {@code OS} as {@code os}.
     */
    static boolean isUnsafe(String module, String name) {
        return reason(module, name) != null;
    }

    /** What makes {@code module.name} unsafe, or null if nothing does. */
    static String reason(String module, String name) {
        String mod = python3Module(module);
        List<String> modulePath = segments(mod);
        List<String> attributePath = segments(name);
        List<String> path = new java.util.ArrayList<>(modulePath);
        path.addAll(attributePath);
        String full = String.join(".", path);
        if (contains(NAMES, full)) {
            return full;
        }
        // The module as imported: itself or a package of it refused (torch.serialization, os.path).
        String hit = prefixIn(path, 0, MODULES);
        if (hit != null && !OWN_SUBMODULES.contains(lower(mod))) {
            return hit;
        }
        // Inside the module path only what sys.modules may alias counts.
        for (int i = 1; i < modulePath.size(); i++) {
            if (contains(ALIASED_MODULES, modulePath.get(i)) && !OWN_SUBMODULES.contains(lower(mod))) {
                return modulePath.get(i);
            }
        }
        // The attribute path: getattr by getattr, every step a value the module or its imports hold.
        int first = modulePath.size();
        for (int i = first; i < path.size(); i++) {
            String seg = path.get(i);
            if (contains(FUNCTIONS, seg)) {
                return seg;
            }
            if (attributePath.size() > 1 && seg.startsWith("__") && seg.endsWith("__") && seg.length() > 4) {
                return seg; // __globals__, __builtins__, __reduce__ ...: reflection reaches anything
            }
            // A module reached as an attribute, also under the private alias stdlib modules use (tempfile._os).
            String bare = seg.replaceFirst("^_+", "");
            if (contains(ALIASED_MODULES, seg) || contains(ALIASED_MODULES, bare)) {
                return seg;
            }
            if (attributePath.size() > 1) {
                for (String candidate : new String[] {seg, bare}) {
                    List<String> tail = new java.util.ArrayList<>(path.subList(i, path.size()));
                    tail.set(0, candidate);
                    String m = prefixIn(tail, 0, MODULES);
                    if (m == null && contains(NAMES, String.join(".", tail))) {
                        m = String.join(".", tail);
                    }
                    if (m == null) {
                        for (int j = 1; j <= tail.size() && m == null; j++) {
                            String t = String.join(".", tail.subList(0, j));
                            if (contains(NAMES, t)) {
                                m = t;
                            }
                        }
                    }
                    if (m != null) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    /** The shortest prefix of {@code path} from {@code start} that {@code set} holds, or null. */
    private static String prefixIn(List<String> path, int start, Set<String> set) {
        StringBuilder b = new StringBuilder();
        for (int i = start; i < path.size(); i++) {
            if (i > start) {
                b.append('.');
            }
            b.append(path.get(i));
            if (contains(set, b.toString())) {
                return b.toString();
            }
        }
        return null;
    }

    private static boolean contains(Set<String> set, String s) {
        return set.contains(s) || LOWER.get(set).contains(lower(s));
    }

    private static final Map<Set<String>, Set<String>> LOWER = Map.of(
            MODULES, lowered(MODULES), NAMES, lowered(NAMES), FUNCTIONS, lowered(FUNCTIONS),
            ALIASED_MODULES, lowered(ALIASED_MODULES));

    private static Set<String> lowered(Set<String> s) {
        return Set.copyOf(s.stream().map(UnsafeGlobals::lower).toList());
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static List<String> segments(String dotted) {
        return Arrays.asList(dotted.split("\\.", -1));
    }
}

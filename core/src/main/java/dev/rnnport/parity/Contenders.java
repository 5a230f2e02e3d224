package dev.rnnport.parity;

import dev.rnnport.UsageException;
import dev.rnnport.backend.Backend;
import dev.rnnport.backend.Backends;
import dev.rnnport.backend.NativeBackend;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs {@code verify} compares, built from backend names: each backend runs our reading of the
 * model (native in float32; the others in float32, the precision their recurrent kernels have), and
 * the backend that is the file format's own runtime also runs the file as it is (see
 * {@link FileRuntimes}). A backend that cannot be created here becomes an unavailable run with the
 * reason, so a new backend plugs in by being known to {@link Backends}.
 */
public final class Contenders {
    private static final Map<String, String> ALIASES = Map.of("ort", "onnxruntime", "tf", "tensorflow");

    private Contenders() {
    }

    /** The oracle: the native engine in float64 on our reading of the model. */
    public static Contender reference(RecurrentNetwork network) {
        return Contender.backend("native float64", new NativeBackend(), network, Precision.FLOAT64);
    }

    /**
     * @param backends backend names as {@code --backends} gives them; unknown names are a usage error
     * @param format   the model file's format, or null when there is no file to run as it is
     */
    public static List<Contender> forModel(Path file, ModelFormat format, RecurrentNetwork network, List<String> backends) {
        List<Contender> out = new ArrayList<>();
        for (String given : backends) {
            String name = canonical(given);
            if (name.equals("native")) {
                out.add(Contender.backend("native float32", new NativeBackend(), network, Precision.FLOAT32));
            } else {
                out.add(ofBackend(name, network));
            }
            if (format != null && FileRuntimes.backendFor(format).filter(name::equals).isPresent()) {
                FileRuntimes.contender(format, file, network).ifPresent(out::add);
            }
        }
        return out;
    }

    /** A backend's run of {@code network} in float32, or an unavailable run saying why it cannot be created. */
    static Contender ofBackend(String name, RecurrentNetwork network) {
        try {
            Backend b = Backends.named(name);
            return Contender.backend(name, b, network, Precision.FLOAT32);
        } catch (RuntimeException | LinkageError e) {
            return Contender.unavailable(name, Verifier.reason(e));
        }
    }

    /** The name {@link Backends} knows, aliases resolved; unknown names are refused. */
    public static String canonical(String given) {
        String key = given.trim().toLowerCase(Locale.ROOT);
        key = ALIASES.getOrDefault(key, key);
        if (!Backends.NAMES.contains(key)) {
            throw new UsageException("unknown backend '" + given + "' (known: " + String.join(", ", Backends.NAMES) + ")");
        }
        return key;
    }
}

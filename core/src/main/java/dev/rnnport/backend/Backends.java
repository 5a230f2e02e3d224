package dev.rnnport.backend;

import dev.rnnport.RnnportException;
import dev.rnnport.UsageException;
import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
import java.util.List;
import java.util.Locale;

/** The backends by the names the command line uses for {@code --backend} and {@code --backends}. */
public final class Backends {
    /** Every name {@link #named} knows, in the order a parity table lists them. */
    public static final List<String> NAMES = List.of("native", "onnxruntime", "tensorflow");

    private Backends() {
    }

    /** A new backend with its engine's default settings; the caller owns it and closes it. */
    public static Backend named(String name) {
        return named(name, 0);
    }

    /**
     * A new backend; {@code threads} is the intra-op thread count for engines that have a thread
     * pool (0 leaves the engine's default). The caller owns the backend and closes it.
     */
    public static Backend named(String name, int threads) {
        if (threads < 0) {
            throw new UsageException("threads must be 0 (the engine's default) or more, found " + threads);
        }
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "native" -> new NativeBackend(threads);
            case "onnxruntime", "ort" -> {
                requireEngine("ai.onnxruntime.OrtEnvironment", "ONNX Runtime", "com.microsoft.onnxruntime:onnxruntime", "onnxruntime");
                yield new OnnxRuntimeBackend(threads);
            }
            case "tensorflow", "tf" -> {
                requireEngine("org.tensorflow.Graph", "TensorFlow Java", "org.tensorflow:tensorflow-core-api and"
                        + " org.tensorflow:tensorflow-core-native (with your platform's classifier)", "tensorflow");
                // Naming the class loads no TensorFlow code: its native library loads on the first run.
                yield new dev.rnnport.backend.tensorflow.TensorFlowBackend(threads);
            }
            default -> throw new UsageException("unknown backend '" + name + "' (known: native, onnxruntime, tensorflow)");
        };
    }

    /**
     * ONNX Runtime and TensorFlow are optional dependencies of the library: a user who runs only the
     * native engine need not ship them. Asking for one that is missing says what to add, rather
     * than failing later with a class error.
     */
    private static void requireEngine(String probeClass, String engine, String coordinates, String backend) {
        try {
            Class.forName(probeClass, false, Backends.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new RnnportException(RnnportException.Kind.UNSUPPORTED, engine + " is not on the classpath: add "
                    + coordinates + " to use backend '" + backend + "'");
        }
    }
}

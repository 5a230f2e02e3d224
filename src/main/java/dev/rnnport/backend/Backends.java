package dev.rnnport.backend;

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
            case "onnxruntime", "ort" -> new OnnxRuntimeBackend(threads);
            // Naming the class loads no TensorFlow code: its native library loads on the first run.
            case "tensorflow", "tf" -> new dev.rnnport.backend.tensorflow.TensorFlowBackend(threads);
            default -> throw new UsageException("unknown backend '" + name + "' (known: native, onnxruntime, tensorflow)");
        };
    }
}

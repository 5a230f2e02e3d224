package dev.rnnport.parity;

import dev.rnnport.backend.onnxruntime.NodeOutputs;
import dev.rnnport.backend.Backend;
import dev.rnnport.backend.Backends;
import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
import dev.rnnport.backend.tensorflow.TensorFlowBackend;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How a file is run as it is, by the runtime its format belongs to: the table {@code verify} uses to
 * run a foreign file beside our reading of it, and {@code convert --verify} to run what it wrote.
 * Formats without an entry (safetensors, .pt: PyTorch is not available in Java) are run by the native
 * engine on a fresh reading of the file. A format that gains a runtime (SavedModel in TensorFlow) is
 * one more entry.
 */
public final class FileRuntimes {
    /** Runs {@code file} as is on {@code backend}; inputs and outputs as the graph has them, batched. */
    @FunctionalInterface
    interface FileRunner {
        RunOutputs run(Backend backend, Path file, RunInputs batchedInputs);
    }

    /** A format's own runtime: the backend by its {@link Backends} name, and how it runs a file. */
    record Entry(String backend, FileRunner runner, boolean mapsNodeOutputs) {
    }

    private static final Map<String, Entry> BY_FORMAT = Map.of(
            // Until runFile maps a bare node's Y [L, D, N, H] onto PyTorch's output itself, we do it here.
            "onnx", new Entry("onnxruntime",
                    (backend, file, in) -> ((OnnxRuntimeBackend) backend).runFile(file, in, Precision.FLOAT32), true),
            // A SavedModel's serving signature gives PyTorch's shapes already (ours do; others are taken as they come).
            "savedmodel", new Entry("tensorflow", (backend, file, in) -> ((TensorFlowBackend) backend).runFile(file, in), false));

    private FileRuntimes() {
    }

    /** The backend name that runs files of {@code format} as they are, if that format has one. */
    public static Optional<String> backendFor(ModelFormat format) {
        return Optional.ofNullable(BY_FORMAT.get(format.formatName())).map(Entry::backend);
    }

    /**
     * A contender that runs {@code file} as it is in its format's own runtime, labelled
     * "{@code backend} (file as is)"; or empty when the format has no runtime but ours. A runtime
     * that cannot be created gives an unavailable contender with its reason.
     *
     * @param reading our reading of the file, whose settings say how to map the graph's outputs and
     *                how to give it an unbatched sequence
     */
    public static Optional<Contender> contender(ModelFormat format, Path file, RecurrentNetwork reading) {
        Entry entry = BY_FORMAT.get(format.formatName());
        if (entry == null) {
            return Optional.empty();
        }
        String label = entry.backend() + " (file as is)";
        Backend backend;
        try {
            backend = Backends.named(entry.backend());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(Contender.unavailable(label, Verifier.reason(e)));
        }
        NetworkConfig config = reading.config();
        return Optional.of(Contender.fixed(label, in -> {
            boolean unbatched = in.input().rank() == 2;
            RunOutputs raw = entry.runner().run(backend, file, unbatched ? Batching.batched(in, config) : in);
            RunOutputs mapped = entry.mapsNodeOutputs() ? NodeOutputs.toPyTorchShapes(raw, config) : raw;
            return unbatched ? Batching.unbatched(mapped) : mapped;
        }, backend));
    }

    /** Adds and removes the batch axis of one sequence, for runtimes whose graphs take only batches. */
    static final class Batching {
        private Batching() {
        }

        static RunInputs batched(RunInputs in, NetworkConfig config) {
            Tensor x = in.input();
            int[] shape = config.batchFirst() ? new int[] {1, x.dim(0), x.dim(1)} : new int[] {x.dim(0), 1, x.dim(1)};
            Tensor mask = in.mask() == null || in.mask().rank() != 1 ? in.mask() : in.mask().reshape(1, in.mask().dim(0));
            return new RunInputs(x.reshape(shape), state(in.h0()), state(in.c0()), in.lengths(), mask);
        }

        private static Tensor state(Tensor s) {
            return s == null || s.rank() != 2 ? s : s.reshape(s.dim(0), 1, s.dim(1));
        }

        static RunOutputs unbatched(RunOutputs out) {
            return new RunOutputs(drop(out.output(), true), drop(out.hN(), false), drop(out.cN(), false));
        }

        private static Tensor drop(Tensor t, boolean sequence) {
            if (t == null || t.rank() != 3) {
                return t;
            }
            // One batch row: (L, 1, W) or (1, L, W) is (L, W); a state (S, 1, H) is (S, H).
            return sequence ? t.reshape(t.size() / t.dim(2), t.dim(2)) : t.reshape(t.dim(0), t.dim(2));
        }
    }
}

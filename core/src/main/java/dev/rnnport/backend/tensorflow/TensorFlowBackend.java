package dev.rnnport.backend.tensorflow;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.backend.Backend;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.nn.TimeMajorBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs recurrent networks in TensorFlow (TF Java, CPU), in float32 and float64. A network is built
 * as a TensorFlow graph (see {@link dev.rnnport.format.savedmodel.NetworkGraph}: the fused
 * BlockLSTM op for a plain float32 LSTM, while loops of primitive ops for everything else) and run
 * in a TF session ({@link #runFile} runs a SavedModel folder as it is); inputs and outputs are in PyTorch's shapes for the network's batch_first,
 * unbatched input included, exactly as the native engine takes and gives them.
 *
 * <p>TensorFlow is loaded on the first run, not when this object is made: its native library is
 * unpacked to {@code ~/.javacpp/cache} the first time (about 650 MB, a few seconds) and prints a
 * few log lines on stderr; {@code TF_CPP_MIN_LOG_LEVEL=3} in the environment silences all but two.
 *
 * <p>This object owns the graphs and sessions it creates: the last few (one per network object,
 * precision and whether steps are masked) are kept for repeated runs and all are freed by
 * {@link #close()}; after close every run throws {@link IllegalStateException}. Calls are
 * serialised, so one instance may be shared between threads.
 */
public final class TensorFlowBackend implements Backend {
    private static final int CACHED_GRAPHS = 4;

    private final int threads;
    private final Map<Object, AutoCloseable> graphs = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** TensorFlow's default thread pools. */
    public TensorFlowBackend() {
        this(0);
    }

    /** @param threads TensorFlow's intra-op threads for one run; 0 for its default */
    public TensorFlowBackend(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (TensorFlow's default) or more, found " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String name() {
        return "tensorflow";
    }

    /**
     * Runs {@code network} in TensorFlow. Omitted h0/c0 are zeros. Masked steps (past a sequence's
     * length, zero in the caller's mask, or all features equal to the network's Keras mask value)
     * leave the state unchanged and output zeros (PyTorch's packed sequences, ONNX) or the
     * direction's previous output (Keras), as the network's {@link dev.rnnport.nn.Masking} says;
     * h_n/c_n are the state after the last valid step.
     *
     * @throws dev.rnnport.ModelException an input does not fit the network (same messages as the
     *                                    native engine), or TensorFlow fails
     */
    @Override
    public synchronized RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision) {
        ensureOpen();
        TimeMajorBatch batch = TimeMajorBatch.of(network.config(), inputs);
        boolean masked = false;
        for (boolean v : batch.valid) {
            masked |= !v;
        }
        CompiledNetwork compiled = compiled(new Key(network, precision, masked));
        return compiled.run(batch, masked ? batch.valid : null);
    }

    /**
     * Runs the SavedModel folder {@code savedModel} as it is, through its {@code serving_default}
     * signature, in the element type it was saved with: the input goes to the signature's
     * {@code input} (or its only input), h0/c0/lengths to inputs of those names when given, and
     * the outputs {@code output}, {@code h_n}, {@code c_n} come back as the model gives them (by
     * position for a model that uses other names; null when it has fewer). For a SavedModel
     * rnnport wrote, that is PyTorch's shapes for the network's batch_first, with a batch axis.
     *
     * @throws dev.rnnport.ModelException TensorFlow cannot load or run the folder, or the signature
     *                                    cannot be fed from {@code inputs}
     */
    public synchronized RunOutputs runFile(Path savedModel, RunInputs inputs) {
        ensureOpen();
        return savedModel(savedModel).run(inputs);
    }

    /**
     * {@link #runFile(Path, RunInputs)}, refusing a precision the model was not saved in, since
     * running it as it is cannot honour another.
     *
     * @throws UsageException {@code precision} differs from the element type of the model's input
     */
    public synchronized RunOutputs runFile(Path savedModel, RunInputs inputs, Precision precision) {
        ensureOpen();
        SavedModelRunner runner = savedModel(savedModel);
        if (runner.precision() != precision) {
            throw new UsageException(savedModel + ": the SavedModel computes in " + runner.precision().name().toLowerCase(Locale.ROOT)
                    + " and runs as it is; use --precision " + runner.precision().name().toLowerCase(Locale.ROOT)
                    + ", or the native backend");
        }
        return runner.run(inputs);
    }

    /** A folder's model is reused while its saved_model.pb is unchanged. */
    private SavedModelRunner savedModel(Path folder) {
        Object key;
        try {
            Path pb = folder.toRealPath().resolve("saved_model.pb");
            key = List.of(pb, Files.size(pb), Files.getLastModifiedTime(pb));
        } catch (IOException e) {
            throw new ModelException(folder + ": cannot read (" + e.getMessage() + ")", e);
        }
        return cached(key, () -> new SavedModelRunner(folder, threads));
    }

    private CompiledNetwork compiled(Key key) {
        return cached(key, () -> new CompiledNetwork(key.network, key.precision, key.masked,
                key.network.config().options().masking().steps() == MaskedSteps.CARRY_OUTPUT, threads));
    }

    /** The last few graphs and SavedModels, least recently used closed first. */
    @SuppressWarnings("unchecked")
    private <T extends AutoCloseable> T cached(Object key, Supplier<T> load) {
        AutoCloseable c = graphs.get(key);
        if (c != null) {
            return (T) c;
        }
        T made = load.get();
        graphs.put(key, made);
        if (graphs.size() > CACHED_GRAPHS) {
            var eldest = graphs.entrySet().iterator().next();
            graphs.remove(eldest.getKey());
            try {
                eldest.getValue().close();
            } catch (Exception e) {
                // Freeing native memory failed: nothing a caller could do about it.
            }
        }
        return made;
    }

    /** One network object (identity: comparing weights would cost more than a graph), precision and masking. */
    private record Key(RecurrentNetwork network, Precision precision, boolean masked) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.network == network && k.precision == precision && k.masked == masked;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(network) * 31 + precision.hashCode()) * 2 + (masked ? 1 : 0);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this TensorFlow backend is closed");
        }
    }

    /** Frees every graph and session; further runs throw {@link IllegalStateException}. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(graphs.values());
        graphs.clear();
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // Freeing native memory failed: nothing a caller could do about it.
            }
        }
    }
}

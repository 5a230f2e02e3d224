package dev.rnnport.backend.tensorflow;

import dev.rnnport.backend.Backend;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.nn.TimeMajorBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs recurrent networks in TensorFlow (TF Java, CPU), in float32 and float64. A network is built
 * as a TensorFlow graph (see {@link dev.rnnport.format.savedmodel.NetworkGraph}: the fused
 * BlockLSTM op for a plain float32 LSTM, while loops of primitive ops for everything else) and run
 * in a TF session; inputs and outputs are in PyTorch's shapes for the network's batch_first,
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
    private final Map<Key, CompiledNetwork> graphs = new LinkedHashMap<>(16, 0.75f, true);
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
     * Runs {@code network} in TensorFlow. Omitted h0/c0 are zeros. With sequence lengths, the steps
     * past a sequence's length give zero outputs and leave its state unchanged, as a packed
     * sequence does in PyTorch; h_n/c_n are the state at its last valid step.
     *
     * @throws dev.rnnport.ModelException an input does not fit the network (same messages as the
     *                                    native engine), or TensorFlow fails
     */
    @Override
    public synchronized RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision) {
        ensureOpen();
        TimeMajorBatch batch = TimeMajorBatch.of(network.config(), inputs);
        boolean masked = batch.hasLengths();
        CompiledNetwork compiled = compiled(new Key(network, precision, masked));
        return compiled.run(batch, masked ? valid(batch) : null);
    }

    /** Time-major validity of each step: t &lt; length of sequence n. */
    private static boolean[] valid(TimeMajorBatch b) {
        boolean[] v = new boolean[b.steps * b.batch];
        for (int t = 0; t < b.steps; t++) {
            for (int n = 0; n < b.batch; n++) {
                v[t * b.batch + n] = t < b.lengths[n];
            }
        }
        return v;
    }

    private CompiledNetwork compiled(Key key) {
        CompiledNetwork c = graphs.get(key);
        if (c != null) {
            return c;
        }
        c = new CompiledNetwork(key.network, key.precision, key.masked, false, threads);
        graphs.put(key, c);
        if (graphs.size() > CACHED_GRAPHS) {
            var eldest = graphs.entrySet().iterator().next();
            graphs.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return c;
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

package dev.rnnport.backend.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.backend.Backend;
import dev.rnnport.format.onnx.ExternalData;
import dev.rnnport.format.onnx.ExtractedNetwork;
import dev.rnnport.format.onnx.OnnxFiles;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs recurrent networks in ONNX Runtime (CPU), in two ways:
 *
 * <ul>
 *   <li>{@link #run}: a {@link RecurrentNetwork} is written as ONNX in memory (no file) and run;
 *       inputs and outputs are in PyTorch's shapes for the network's batch_first, like every
 *       {@link Backend}.</li>
 *   <li>{@link #runFile(Path, RunInputs, Precision)}: a given .onnx file is run as is, with the
 *       graph's own conventions.</li>
 *   <li>{@link #runFile(Path, String, RunInputs, Precision)}: one network of a .onnx file, cut out
 *       of the graph with its own nodes and folded weights ({@link ExtractedNetwork}), in
 *       PyTorch's shapes like {@link #run}.</li>
 * </ul>
 *
 * <p>ONNX Runtime's CPU recurrent kernels compute in float32 only, so float64 is refused with a
 * {@link UsageException} rather than silently computed in float32.
 *
 * <p>This object owns the ONNX Runtime sessions it creates: it keeps the last few (one per
 * network object and per file) for repeated runs and frees them all in {@link #close()}. After
 * close every run throws {@link IllegalStateException}. Calls are serialised, so one instance may
 * be shared between threads; ONNX Runtime parallelises inside a run with its intra-op threads.
 */
public final class OnnxRuntimeBackend implements Backend {
    private static final int CACHED_SESSIONS = 4;

    private final int intraOpThreads;
    private final SessionCache sessions = new SessionCache(CACHED_SESSIONS);
    /** The config of each extracted network that has had a session; small records, kept after the session is evicted. */
    private final Map<NetworkInFile, NetworkConfig> configs = new java.util.HashMap<>();
    private boolean closed;

    /** ONNX Runtime's default thread count (one intra-op thread per physical core). */
    public OnnxRuntimeBackend() {
        this(0);
    }

    /** @param intraOpThreads threads ONNX Runtime uses inside one run; 0 for its default */
    public OnnxRuntimeBackend(int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (ONNX Runtime's default) or more, found " + intraOpThreads);
        }
        this.intraOpThreads = intraOpThreads;
    }

    @Override
    public String name() {
        return "onnxruntime";
    }

    /** The intra-op thread count every session of this backend is created with; 0 is ONNX Runtime's default. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * Runs {@code network} in ONNX Runtime: the network is written as ONNX in memory by
     * {@link OnnxWriter} (float32, PyTorch's interface) and loaded once; the session is kept for
     * later runs of the same network object. Takes and gives PyTorch's shapes for the network's
     * batch_first, unbatched input included; omitted h0/c0 are zeros. Sequence lengths are
     * honoured by running sequences of equal length together on their valid steps (the written
     * model takes no lengths), so results past a sequence's end are zeros and h_n/c_n are its
     * state at its last valid step, the initial state for a length of 0, as in PyTorch.
     *
     * @throws UsageException   for float64: ONNX Runtime's CPU LSTM, GRU and RNN kernels compute in
     *                          float32 only (1.29: "does not support double yet"), and the writer
     *                          writes float32 models accordingly
     * @throws ModelException   an input does not fit the network (same messages as the native
     *                          engine), or the network cannot be written as ONNX
     */
    @Override
    public synchronized RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision) {
        ensureOpen();
        if (precision == Precision.FLOAT64) {
            throw new UsageException("ONNX Runtime backend: computes in float32 only (its LSTM, GRU and RNN kernels"
                    + " do not support double); use --precision float32, or the native backend for float64");
        }
        OrtModel model = sessions.get(new NetworkKey(network), () -> OrtModel.load(
                writeModel(network), "ONNX Runtime backend (" + network.config().cell().moduleName() + " written as ONNX)",
                intraOpThreads));
        return new NetworkRunner(model, network.config()).run(inputs);
    }

    private static byte[] writeModel(RecurrentNetwork network) {
        try {
            return OnnxWriter.toModel(network, 0).toByteArray();
        } catch (ModelException e) {
            throw new ModelException("ONNX Runtime backend: cannot write the network as ONNX: " + e.getMessage(), e);
        }
    }

    /** One network object; identity, not value, since comparing weights would cost more than a session. */
    private static final class NetworkKey {
        private final RecurrentNetwork network;

        NetworkKey(RecurrentNetwork network) {
            this.network = network;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NetworkKey k && k.network == network;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(network);
        }
    }

    /**
     * Runs the ONNX file {@code model} as is. The graph defines its own input shape and layout:
     * tensors are passed through unchanged, so the caller gives what the graph takes, which for a
     * torch.onnx.export file is what the exported module took (its batch_first layout), and gets the
     * graph's outputs as they are (for a torch export, PyTorch's shapes). The graph's inputs are
     * matched to {@code inputs} by the recurrent node slot they feed, by name (input, h0, c0,
     * lengths), else by position (sequence, then initial h, then initial c; an integer input is
     * the lengths). An initial state the graph takes but the caller omits is fed as zeros when its
     * shape is known from the graph and the input. Outputs are output|Y, h_n|Y_h, c_n|Y_c by name,
     * else a recurrent node's Y/Y_h/Y_c, else the first three outputs by position; one the graph
     * lacks is null. Lengths go to the graph's sequence_lens as given; note that ONNX Runtime 1.29
     * then gives a zero h_n/c_n for a length of 0, where PyTorch's meaning is the initial state.
     *
     * <p>The graph computes in its own element type: inputs are converted to it and outputs come
     * back in it (a float32 graph gives F32 tensors, a float16 graph F16 ones: ONNX Runtime 1.29
     * runs a float16 LSTM on CPU by casting around the node, so only the graph's inputs and
     * outputs are rounded to float16). Asking float64 of a float32 or float16 graph is refused,
     * since running it as is cannot honour it. A float64 graph is handed to ONNX Runtime, whose
     * CPU LSTM/GRU/RNN kernels (1.29) refuse double at run time; that refusal is reported as is.
     *
     * @throws ModelException   the file is unreadable, its graph cannot be fed from {@code inputs}
     *                          (the message lists the graph's inputs), a tensor does not fit its
     *                          graph input, or ONNX Runtime refuses the graph (layout=1 nodes)
     * @throws UsageException   float64 was asked of a float32 graph, or an input was given that the
     *                          graph has no place for
     */
    public synchronized RunOutputs runFile(Path model, RunInputs inputs, Precision precision) {
        ensureOpen();
        FileBinding binding = FileBinding.of(loadFile(model));
        if (precision == Precision.FLOAT64 && binding.elementType() != OnnxJavaType.DOUBLE) {
            throw new UsageException(model + ": ONNX Runtime runs this " + (binding.elementType() == OnnxJavaType.FLOAT16
                    ? "float16" : "float32") + " graph as is, so float64 is not possible;"
                    + " use --precision float32, or the native backend for float64");
        }
        return binding.run(inputs);
    }

    /**
     * Runs one network of the ONNX file {@code model}, or the whole file as is.
     *
     * <p>With {@code network} null this is {@link #runFile(Path, RunInputs, Precision)}: the graph
     * as it is, inputs and outputs in the graph's own conventions (PyTorch's shapes for a
     * torch.onnx.export file). With a network name (as {@code inspect} lists it, e.g.
     * {@code If_0/then_branch/LSTM_3}), that network's recurrent nodes are cut out of the graph
     * with their attributes and their weights as the file's nodes read them after constant
     * folding ({@link ExtractedNetwork}), and that sub-model is run: whatever surrounds the network
     * in the file (other branches, pre- and post-processing) is not. Inputs and outputs then have
     * exactly the contract of {@link #run}: PyTorch's shapes for the network's batch_first,
     * unbatched input accepted, omitted h0/c0 zeros, lengths honoured as PyTorch's packed
     * sequences, and output, h_n, c_n shaped as the native backend gives them for that network.
     * The sub-model's session is kept while the file is unchanged.
     *
     * @param network the network's name, or null for the whole file as is
     * @throws dev.rnnport.NetworkChoiceException no network has that name (it lists the names)
     * @throws UsageException float64
     *                        was asked of the sub-model, which ONNX Runtime runs in float32
     * @throws ModelException the file cannot be read, or an input does not fit the network
     */
    public synchronized RunOutputs runFile(Path model, String network, RunInputs inputs, Precision precision) {
        if (network == null) {
            return runFile(model, inputs, precision);
        }
        ensureOpen();
        if (precision == Precision.FLOAT64) {
            throw new UsageException(model + ": ONNX Runtime runs network '" + network + "' in float32 (its LSTM, GRU and"
                    + " RNN kernels do not support double); use --precision float32, or the native backend for float64");
        }
        NetworkInFile key = new NetworkInFile(fileKey(model), network);
        OrtModel m = sessions.get(key, () -> {
            ExtractedNetwork extracted;
            try {
                extracted = ExtractedNetwork.of(model, network);
            } catch (IOException e) {
                throw new ModelException(model + ": cannot read (" + e.getMessage() + ")", e);
            }
            configs.put(key, extracted.network().config());
            return OrtModel.load(extracted.model().toByteArray(), model + " network '" + network + "'", intraOpThreads);
        });
        return new NetworkRunner(m, configs.get(key)).run(inputs);
    }

    private record NetworkInFile(FileKey file, String network) {
    }

    /**
     * Runs the ONNX file {@code model} as is on raw graph inputs, fed by position to the graph's
     * inputs that are not initializers (the convention of ONNX's backend tests), and returns every
     * graph output by name, in the graph's order. Values are converted to each input's element type.
     */
    public synchronized Map<String, Tensor> runGraph(Path model, List<Tensor> graphInputs) {
        ensureOpen();
        OrtModel m = loadFile(model);
        if (graphInputs.size() != m.inputs().size()) {
            throw new ModelException(model + ": " + graphInputs.size() + " tensors given for " + m.inputs().size()
                    + " graph inputs (" + m.describeInputs() + ")");
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (int i = 0; i < graphInputs.size(); i++) {
            feeds.put(m.inputs().get(i).name(), graphInputs.get(i));
        }
        return m.run(feeds);
    }

    private static FileKey fileKey(Path model) {
        try {
            Path real = model.toRealPath();
            return new FileKey(real, Files.size(real), Files.getLastModifiedTime(real));
        } catch (IOException e) {
            throw new ModelException(model + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** A file's session is reused while the file is unchanged (same path, size and modification time). */
    private OrtModel loadFile(Path model) {
        FileKey key = fileKey(model);
        Path real = key.path();
        return sessions.get(key, () -> {
            try {
                return OrtModel.load(withExternalData(real, model), model.toString(), intraOpThreads);
            } catch (IOException e) {
                throw new ModelException(model + ": cannot read (" + e.getMessage() + ")", e);
            }
        });
    }

    /**
     * The file's bytes; when tensors are kept in external files, the model with their values
     * copied in (ONNX Runtime loads from bytes here, and rnnport's checks on locations apply).
     */
    private static byte[] withExternalData(Path real, Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(real);
        ModelProto parsed;
        try {
            parsed = OnnxFiles.readModel(model);
        } catch (ModelException e) {
            return bytes; // ONNX Runtime reports what is wrong with the file, as for any file
        }
        ModelProto inlined = ExternalData.besides(real).inline(parsed, model.toString());
        return inlined == parsed ? bytes : inlined.toByteArray();
    }

    private record FileKey(Path path, long size, FileTime modified) {
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ONNX Runtime backend is closed");
        }
    }

    /** Frees every session; further runs throw {@link IllegalStateException}. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            sessions.close();
        }
    }
}

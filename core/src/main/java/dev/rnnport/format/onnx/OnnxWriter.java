package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.format.MaskingCompatibility;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.OperatorSetIdProto;
import dev.rnnport.format.onnx.proto.Onnx.StringStringEntryProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes a network as an ONNX model that ONNX Runtime runs, with the interface of
 * {@code torch.onnx.export(module, (input, (h0, c0)), input_names=["input", "h0", "c0"],
 * output_names=["output", "h_n", "c_n"])} and dynamic batch and sequence axes:
 *
 * <ul>
 *   <li>{@code input}: (seq, batch, input_size), or (batch, seq, input_size) when batch_first;
 *       always batched (an unbatched sequence is fed with batch 1).</li>
 *   <li>{@code h0} (and {@code c0} for LSTM): (directions*num_layers, batch, size), always present
 *       and required. ONNX has no optional graph inputs, and one fixed interface is simpler for
 *       every caller than two variants of the file; feed zeros for PyTorch's default state.</li>
 *   <li>{@code output}, {@code h_n}, {@code c_n} in PyTorch's shapes.</li>
 *   <li>No sequence-length input in files: the model runs every sequence to full length, which
 *       is what a converted file's users expect and what every runtime agrees on (ONNX Runtime has
 *       mishandled length 0). {@link #toModel(RecurrentNetwork, int, boolean)} can add an int64
 *       input {@code lengths} (batch), named as torch.onnx.export names it, with PyTorch's packed
 *       semantics: zeros past a sequence's length, h_n and c_n from its last valid step.</li>
 * </ul>
 *
 * <p>Each layer is one LSTM/GRU/RNN node with layout=0, stacked the way torch.onnx.export
 * stacks them (Squeeze, or Transpose and Reshape for two directions), and batch_first is a
 * Transpose on each end, because ONNX Runtime refuses layout=1. An LSTM with proj_size, which no
 * ONNX operator expresses, becomes a Loop over time steps per layer and direction
 * ({@link ProjectionLoopWriter}). Weights are written as float32, or float64 when asked
 * ({@link WriteOptions#dtype()}), then the whole graph computes in double. Opsets 7 to 22; 14
 * by default. Weights go to an external data file when asked or past 1 GB.
 */
public final class OnnxWriter implements FormatWriter {
    static final String DROPOUT_KEY = "rnnport.dropout";

    /** ONNX's LSTM, GRU and RNN nodes hold every option; only the Loop form of a projected LSTM has limits. */
    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        OnnxOpsets.choose(options.opset()); // an opset out of range is a wrong request, whatever the network
        Optional<String> masking = MaskingCompatibility.refusal(network, "ONNX");
        if (masking.isPresent()) {
            return masking;
        }
        if (network.config().projSize() == 0) {
            return Optional.empty();
        }
        int opset = options.opset() == 0 ? OnnxOpsets.DEFAULT : options.opset();
        return ProjectionLoopWriter.refusal(network, opset);
    }

    /** Weights past this many bytes go to an external data file even when not asked. */
    static final long EXTERNAL_THRESHOLD = 1L << 30;

    /**
     * Writes {@code network} to {@code file}, with the weights in {@code options.dtype()}
     * (float32 unless float64 is asked) and, when asked or when they exceed 1 GB, in the
     * external data file {@code <file name>.data} beside it (written first, so the model never
     * refers to a missing file).
     */
    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException {
        requireCanHold(network, options, file, "ONNX");
        StreamedModel streamed;
        try {
            streamed = toStreamedModel(network, options.opset(), false, options.dtype() == DType.F64);
        } catch (ModelException e) {
            throw new ModelException(file + ": cannot write ONNX: " + e.getMessage(), e);
        }
        if (options.externalData() || streamed.weightBytes() > EXTERNAL_THRESHOLD) {
            ModelProto model = streamed.materialize();
            String location = file.getFileName() + ".data";
            ModelProto[] referring = new ModelProto[1];
            AtomicFiles.write(file.resolveSibling(location), out -> referring[0] = ExternalDataWriter.moveOut(model, location, out));
            AtomicFiles.write(file, referring[0]::writeTo);
        } else {
            // Streamed: the weights go from the network to the file without a copy of the model in memory.
            AtomicFiles.write(file, streamed::writeTo);
        }
    }

    /**
     * The one-line note a command shows when writing {@code network} with {@code options} rounds
     * its weights (a float64 network written as float32), or null when nothing is rounded.
     */
    public static String roundingNote(RecurrentNetwork network, WriteOptions options) {
        boolean f64 = network.weights().stream().anyMatch(w -> w.wIh().dtype() == DType.F64);
        if (f64 && options.dtype() != DType.F64) {
            return "note: float64 weights written as float32; use --dtype float64 to keep them";
        }
        return null;
    }

    /** The model for {@code network} at {@code opset} (0 for the default), in memory, without lengths. */
    public static ModelProto toModel(RecurrentNetwork network, int opset) {
        return toModel(network, opset, false);
    }

    /**
     * The model for {@code network} at {@code opset} (0 for the default), in memory, float32.
     *
     * @param withLengths add the required int64 input {@code lengths} (batch)
     */
    public static ModelProto toModel(RecurrentNetwork network, int opset, boolean withLengths) {
        return toModel(network, opset, withLengths, false);
    }

    /**
     * The model for {@code network} at {@code opset} (0 for the default), in memory.
     *
     * @param withLengths add the required int64 input {@code lengths} (batch)
     * @param float64     weights, inputs and outputs in double (which ONNX Runtime's CPU
     *                    recurrent kernels do not run, but other runtimes and rnnport do)
     */
    public static ModelProto toModel(RecurrentNetwork network, int opset, boolean withLengths, boolean float64) {
        try {
            return toStreamedModel(network, opset, withLengths, float64).materialize();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // written to memory: cannot happen
        }
    }

    /** The model of {@link #toModel(RecurrentNetwork, int, boolean, boolean)}, its recurrent weights made only when written. */
    static StreamedModel toStreamedModel(RecurrentNetwork network, int opset, boolean withLengths, boolean float64) {
        int op = OnnxOpsets.choose(opset);
        NetworkConfig cfg = network.config();
        if (cfg.projSize() > 0) {
            Optional<String> why = ProjectionLoopWriter.refusal(network, op);
            if (why.isPresent()) {
                throw new ModelException(RnnportException.Kind.UNSUPPORTED, why.get());
            }
        }
        int f = float64 ? TensorProto.DataType.DOUBLE_VALUE : TensorProto.DataType.FLOAT_VALUE;
        GraphBuilder b = new GraphBuilder(op, cfg.cell().moduleName().toLowerCase(java.util.Locale.ROOT), f);
        int dirs = cfg.directions();
        boolean lstm = cfg.cell() == CellKind.LSTM;
        String x = interfaceInputs(b, cfg, f);
        String lengths = "";
        if (withLengths) {
            b.input(GraphBuilder.valueInfo("lengths", TensorProto.DataType.INT64_VALUE, "batch"));
            lengths = cfg.projSize() > 0 ? "lengths"
                    : b.op("Cast", "sequence_lens", List.of("lengths"), GraphBuilder.intAttr("to", TensorProto.DataType.INT32_VALUE));
        }
        List<String> hN = new ArrayList<>();
        List<String> cN = new ArrayList<>();
        NodeLayerWriter nodes = new NodeLayerWriter(b, network);
        ProjectionLoopWriter loops = new ProjectionLoopWriter(b, network);
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            String h0 = cfg.numLayers() == 1 ? "h0" : b.sliceRows("h0_l" + layer, "h0", (long) layer * dirs, (long) (layer + 1) * dirs);
            String c0 = !lstm ? "" : cfg.numLayers() == 1 ? "c0"
                    : b.sliceRows("c0_l" + layer, "c0", (long) layer * dirs, (long) (layer + 1) * dirs);
            List<String> outs = cfg.projSize() > 0 ? loops.write(layer, x, h0, c0, lengths)
                    : nodes.write(layer, x, h0, c0, lengths);
            x = cfg.projSize() > 0 ? outs.get(0) : concatDirections(b, outs.get(0), dirs, layer);
            hN.add(outs.get(1));
            if (lstm) {
                cN.add(outs.get(2));
            }
        }
        interfaceOutputs(b, cfg, f, x, hN, cN);
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(OnnxOpsets.irVersion(op))
                .setProducerName("rnnport")
                .setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(op))
                .setDocString(network.toString())
                .setGraph(b.build());
        if (cfg.projSize() > 0) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ProjectionLoopReader.KEY)
                    .setValue(ProjectionLoopReader.describe(cfg)));
        }
        if (cfg.dropout() > 0) {
            // Inference ignores dropout; kept so that converting back to PyTorch restores the module's setting.
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(DROPOUT_KEY).setValue(Double.toString(cfg.dropout())));
        }
        return new StreamedModel(m.build(), b.deferredWeights());
    }

    /** Y [seq, dirs, batch, hidden] to the next layer's input [seq, batch, dirs*hidden], forward first. */
    /**
     * Declares the interface every model rnnport builds takes, PyTorch's: {@code input} in the
     * network's batch_first layout, {@code h0} and, for an LSTM, {@code c0} (D*num_layers, batch,
     * size); reserves the output names. Returns the name of the time-major sequence to feed the
     * first layer.
     */
    static String interfaceInputs(GraphBuilder b, NetworkConfig cfg, int elemType) {
        int states = cfg.directions() * cfg.numLayers();
        b.input(cfg.batchFirst() ? GraphBuilder.valueInfo("input", elemType, "batch", "seq", cfg.inputSize())
                : GraphBuilder.valueInfo("input", elemType, "seq", "batch", cfg.inputSize()));
        b.input(GraphBuilder.valueInfo("h0", elemType, states, "batch", cfg.outputSize()));
        if (cfg.cell() == CellKind.LSTM) {
            b.input(GraphBuilder.valueInfo("c0", elemType, states, "batch", cfg.hiddenSize()));
        }
        for (String reserved : List.of("output", "h_n", "c_n")) {
            b.fresh(reserved);
        }
        return cfg.batchFirst() ? b.op("Transpose", "input_time_major", List.of("input"), GraphBuilder.intsAttr("perm", 1, 0, 2))
                : "input";
    }

    /**
     * Ends the graph with PyTorch's outputs: {@code output} from the last layer's time-major
     * sequence {@code x} (batch-major again when batch_first), {@code h_n} and {@code c_n} stacked
     * from each layer's final states.
     */
    static void interfaceOutputs(GraphBuilder b, NetworkConfig cfg, int elemType, String x, List<String> hN, List<String> cN) {
        boolean lstm = cfg.cell() == CellKind.LSTM;
        int dirs = cfg.directions();
        if (cfg.batchFirst()) {
            b.opTo("Transpose", "output", List.of(x), GraphBuilder.intsAttr("perm", 1, 0, 2));
        } else {
            b.opTo("Identity", "output", List.of(x));
        }
        stack(b, "h_n", hN);
        if (lstm) {
            stack(b, "c_n", cN);
        }
        b.output(cfg.batchFirst() ? GraphBuilder.valueInfo("output", elemType, "batch", "seq", dirs * cfg.outputSize())
                : GraphBuilder.valueInfo("output", elemType, "seq", "batch", dirs * cfg.outputSize()));
        b.output(GraphBuilder.valueInfo("h_n", elemType, dirs * cfg.numLayers(), "batch", cfg.outputSize()));
        if (lstm) {
            b.output(GraphBuilder.valueInfo("c_n", elemType, dirs * cfg.numLayers(), "batch", cfg.hiddenSize()));
        }
    }

    static String concatDirections(GraphBuilder b, String y, int dirs, int layer) {
        if (dirs == 1) {
            return b.squeeze("Y_l" + layer + "_squeezed", y, 1);
        }
        String t = b.op("Transpose", "Y_l" + layer + "_batch_major_dirs", List.of(y), GraphBuilder.intsAttr("perm", 0, 2, 1, 3));
        return b.op("Reshape", "Y_l" + layer + "_concat", List.of(t, b.ints("shape_seq_batch_features", 0, 0, -1)));
    }

    static void stack(GraphBuilder b, String name, List<String> parts) {
        if (parts.size() == 1) {
            b.opTo("Identity", name, parts);
        } else {
            b.opTo("Concat", name, parts, GraphBuilder.intAttr("axis", 0));
        }
    }
}

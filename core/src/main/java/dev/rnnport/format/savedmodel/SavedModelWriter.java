package dev.rnnport.format.savedmodel;

import dev.rnnport.ModelException;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;

/**
 * Writes a network as a TensorFlow SavedModel folder (tag {@code serve}) that TF Java's
 * {@code SavedModelBundle}, TF Serving and Python's {@code tf.saved_model.load} can run:
 *
 * <ul>
 *   <li>Signature {@code serving_default}: inputs {@code input} in PyTorch's shape for the network's
 *       batch_first ({@code (L, N, input_size)} or {@code (N, L, input_size)}), {@code h0}
 *       {@code (D*num_layers, N, H_out)} and, for LSTM, {@code c0} {@code (D*num_layers, N, hidden_size)};
 *       outputs {@code output}, {@code h_n} and (LSTM) {@code c_n} in PyTorch's shapes. Sequence
 *       length and batch size are free.</li>
 *   <li>h0 and c0 are listed in the signature, so it has the same interface as the ONNX models
 *       rnnport writes, but they are {@code PlaceholderWithDefault}s: left out, they are zeros
 *       (PyTorch's default). Signature {@code input_only} takes just {@code input}, for runtimes that
 *       insist on feeding every input a signature lists.</li>
 *   <li>Weights are variables named by the cell and PyTorch's parameter name, in PyTorch's layout and
 *       gate order: {@code lstm/weight_ih_l0}, {@code gru/bias_hh_l1_reverse}, {@code rnn/weight_hh_l0},
 *       {@code lstm/weight_hr_l0}, and {@code lstm/peephole_l0} (i, f, o) for ONNX peepholes.</li>
 *   <li>A network behind a Keras {@code Masking(mask_value)} masks, in the graph, every step whose
 *       input features all equal the mask value, with Keras's convention for masked steps. The
 *       signatures take no lengths or mask.</li>
 *   <li>The string constant {@code rnnport/config} holds the network's settings as JSON
 *       ({@link SavedModelConfig}), from which {@link SavedModelReader} rebuilds the network.</li>
 * </ul>
 *
 * The element type is the weights' own: float64 weights give a float64 model, all others float32.
 * The folder is written beside the target and moved into place when complete.
 */
public final class SavedModelWriter implements FormatWriter {
    /** The string constant that holds {@link SavedModelConfig}'s JSON. */
    static final String CONFIG_OP = "rnnport/config";
    public static final String SERVING_DEFAULT = "serving_default";
    public static final String INPUT_ONLY = "input_only";

    /** A TensorFlow graph can hold every network rnnport runs, Keras masking included. */
    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        return Optional.empty();
    }

    /** Runs in the temporary folder once TensorFlow has filled it; tests make a write fail there. */
    static AtomicFiles.FolderContent afterExport = tmp -> { };

    @Override
    public void write(RecurrentNetwork network, Path folder, WriteOptions options) throws IOException {
        requireCanHold(network, options, folder, "a SavedModel");
        AtomicFiles.writeFolder(folder, tmp -> {
            export(network, tmp);
            afterExport.writeInto(tmp);
        });
    }

    /** The variable scope of a cell: lstm, gru or rnn. */
    static String scope(CellKind cell) {
        return cell.moduleName().toLowerCase(Locale.ROOT);
    }

    static Precision precisionOf(RecurrentNetwork network) {
        return network.weights().get(0).wIh().dtype() == DType.F64 ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    private static void export(RecurrentNetwork network, Path folder) throws IOException {
        NetworkConfig c = network.config();
        Precision precision = precisionOf(network);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            GraphOps ops = new GraphOps(graph, NetworkGraph.dataType(precision), "rnnport/graph/");
            int states = c.directions() * c.numLayers();
            Output<?> input = NetworkGraph.placeholder(ops, "input", ops.dtype,
                    -1, -1, c.inputSize());
            Output<?> x = c.batchFirst() ? ops.transpose(input, 1, 0, 2) : input;
            Output<?> batch = ops.gather(ops.shape(x), ops.intScalar(1), 0);
            Output<?> h0 = stateInput(ops, "h0", states, batch, c.outputSize());
            Output<?> c0 = c.cell() == CellKind.LSTM ? stateInput(ops, "c0", states, batch, c.hiddenSize()) : null;
            // One sub-scope for every variable: TF Java makes each withSubScope call's name unique.
            Ops cellScope = tf.withSubScope(scope(c.cell()));
            Masking masking = c.options().masking();
            // A Keras Masking layer's mask comes from the input itself; callers give no mask here.
            Output<?> valid = masking.maskValue() == null ? null
                    : ops.op("Any", ops.op("NotEqual", x, ops.scalar(masking.maskValue())), ops.intScalar(2));
            NetworkGraph.Results r = NetworkGraph.build(ops, network,
                    (o, name, value) -> o.op("Identity", variable(cellScope, name, value, precision)), x, h0, c0, valid,
                    masking.steps() == MaskedSteps.CARRY_OUTPUT);
            Output<?> y = c.batchFirst() ? ops.transpose(r.output(), 1, 0, 2) : r.output();
            Output<?> output = ops.identity(y, "output");
            Output<?> hN = ops.identity(r.hN(), "h_n");
            Output<?> cN = r.cN() == null ? null : ops.identity(r.cN(), "c_n");
            tf.withSubScope("rnnport").withName("config").constant(SavedModelConfig.toJson(c));
            Signature.Builder full = Signature.builder().key(SERVING_DEFAULT).input("input", (Operand<?>) input)
                    .input("h0", (Operand<?>) h0);
            Signature.Builder only = Signature.builder().key(INPUT_ONLY).input("input", (Operand<?>) input);
            if (c0 != null) {
                full.input("c0", (Operand<?>) c0);
            }
            for (Signature.Builder s : new Signature.Builder[] {full, only}) {
                s.output("output", (Operand<?>) output).output("h_n", (Operand<?>) hN);
                if (cN != null) {
                    s.output("c_n", (Operand<?>) cN);
                }
            }
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(folder.toString()).withSession(session)
                        .withSignatures(full.build(), only.build()).export();
            }
        } catch (TensorFlowException e) {
            throw new ModelException("TensorFlow could not build the SavedModel of " + network + ": " + e.getMessage(), e);
        }
    }

    /** A state input that is zeros (D*num_layers, N, size) unless fed. */
    private static Output<?> stateInput(GraphOps ops, String name, int states, Output<?> batch, int size) {
        Output<?> dims = ops.stack(ops.intScalar(states), batch, ops.intScalar(size));
        Output<?> zeros = ops.op("Fill", dims, ops.scalar(0));
        return ops.build("PlaceholderWithDefault", name, b -> b.setAttr("dtype", ops.dtype)
                .setAttr("shape", org.tensorflow.ndarray.Shape.of(states, -1, size)), zeros).output(0);
    }

    private static Output<?> variable(Ops in, String name, Tensor value, Precision precision) {
        org.tensorflow.ndarray.Shape shape = org.tensorflow.ndarray.Shape.of(
                java.util.Arrays.stream(value.shape()).asLongStream().toArray());
        if (precision == Precision.FLOAT64) {
            return in.withName(name).variable(in.constant(shape, DataBuffers.of(value.data(), true, false))).asOutput();
        }
        return in.withName(name).variable(in.constant(shape, DataBuffers.of(value.toFloatArray(), true, false))).asOutput();
    }
}

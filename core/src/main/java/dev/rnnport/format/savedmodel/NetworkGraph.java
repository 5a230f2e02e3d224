package dev.rnnport.format.savedmodel;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.ParameterNames;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A {@link RecurrentNetwork} as a TensorFlow graph, with PyTorch's semantics, in float32 or
 * float64. The graph works on the time-major form: {@code x (L, N, input_size)}, states
 * {@code (D*num_layers, N, size)}; what a caller sees (batch_first, unbatched) is arranged around it.
 *
 * <p>Each layer and direction is one of two things:
 * <ul>
 *   <li>TensorFlow's fused {@code BlockLSTM} op, for a plain float32 LSTM (no projection,
 *       peepholes, clip, input_forget or other activations) without masked steps. Its gate blocks
 *       are i, c, f, o, and it adds a forget_bias, set to 0 here.</li>
 *   <li>Otherwise a while loop over the steps (the sequence length is known only when the graph
 *       runs), with the input projection of all steps done before it in one MatMul and the
 *       recurrent part written with primitive ops; gate blocks in PyTorch's order.</li>
 * </ul>
 *
 * <p>Masked steps (a sequence's steps past its length, or a Keras mask) leave the state unchanged;
 * the output there is zero (PyTorch, ONNX) or the direction's previous output (Keras).
 */
public final class NetworkGraph {
    /** Names of the time-major graph that {@link #forRunning} builds. */
    public static final String INPUT = "input";
    public static final String H0 = "h0";
    public static final String C0 = "c0";
    /** (L, N) bool: true where a step is valid; fed only when the graph was built with masks. */
    public static final String VALID = "valid";
    public static final String OUTPUT = "output";
    public static final String H_N = "h_n";
    public static final String C_N = "c_n";

    /** Where the graph's weights come from: constants to run a network, variables to save one. */
    interface Parameters {
        Output<?> get(GraphOps ops, String name, Tensor value);
    }

    /** The graph's results, time-major: output (L, N, D*H_out), h_n, c_n (null unless LSTM). */
    record Results(Output<?> output, Output<?> hN, Output<?> cN) {
    }

    private final RecurrentNetwork network;
    private final NetworkConfig config;
    private final GraphOps ops;
    private final Parameters parameters;
    private final boolean carryOutput;

    private NetworkGraph(RecurrentNetwork network, GraphOps ops, Parameters parameters, boolean carryOutput) {
        this.network = network;
        this.config = network.config();
        this.ops = ops;
        this.parameters = parameters;
        this.carryOutput = carryOutput;
    }

    /** The element type of a precision. */
    static DataType dataType(Precision p) {
        return p == Precision.FLOAT64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT;
    }

    /**
     * Adds the time-major graph of {@code network}, weights as constants, to {@code graph}:
     * placeholders {@link #INPUT} (L, N, input_size), {@link #H0}, {@link #C0} (LSTM only), and
     * {@link #VALID} when {@code masked}; results {@link #OUTPUT}, {@link #H_N}, {@link #C_N} (LSTM only).
     *
     * @param carryOutput at a masked step, repeat the previous output (Keras) instead of giving zeros
     */
    public static void forRunning(Graph graph, RecurrentNetwork network, Precision precision, boolean masked,
                                  boolean carryOutput) {
        GraphOps ops = new GraphOps(graph, dataType(precision), "");
        NetworkConfig c = network.config();
        int states = c.directions() * c.numLayers();
        Output<?> x = placeholder(ops, INPUT, ops.dtype, -1, -1, c.inputSize());
        Output<?> h0 = placeholder(ops, H0, ops.dtype, states, -1, c.outputSize());
        Output<?> c0 = c.cell() == CellKind.LSTM ? placeholder(ops, C0, ops.dtype, states, -1, c.hiddenSize()) : null;
        Output<?> valid = masked ? placeholder(ops, VALID, DataType.DT_BOOL, -1, -1) : null;
        Results r = build(ops, network, (o, name, value) -> o.tensor(value, null), x, h0, c0, valid, carryOutput);
        ops.identity(r.output(), OUTPUT);
        ops.identity(r.hN(), H_N);
        if (r.cN() != null) {
            ops.identity(r.cN(), C_N);
        }
    }

    static Output<?> placeholder(GraphOps ops, String name, DataType type, long... shape) {
        return ops.build("Placeholder", name, b -> b.setAttr("dtype", type).setAttr("shape", Shape.of(shape))).output(0);
    }

    /** Adds the network's computation on time-major {@code x}; {@code valid} (L, N) bool may be null. */
    static Results build(GraphOps ops, RecurrentNetwork network, Parameters parameters, Output<?> x, Output<?> h0,
                         Output<?> c0, Output<?> valid, boolean carryOutput) {
        return new NetworkGraph(network, ops, parameters, carryOutput).layers(x, h0, c0, valid);
    }

    private Results layers(Output<?> x, Output<?> h0, Output<?> c0, Output<?> valid) {
        int dirs = config.directions();
        int states = dirs * config.numLayers();
        Output<?>[] hN = new Output<?>[states];
        Output<?>[] cN = new Output<?>[states];
        Output<?> validSteps = valid == null ? null : ops.expandDims(valid, 2);
        Output<?> layerInput = x;
        for (int layer = 0; layer < config.numLayers(); layer++) {
            Output<?>[] outputs = new Output<?>[dirs];
            for (int d = 0; d < dirs; d++) {
                int state = layer * dirs + d;
                Output<?> h = ops.gather(h0, ops.intScalar(state), 0);
                Output<?> c = c0 == null ? null : ops.gather(c0, ops.intScalar(state), 0);
                boolean reversed = d == 1 || config.options().reverseOnly();
                Output<?>[] r = direction(layer, d == 1, reversed, layerInput, h, c, validSteps);
                outputs[d] = r[0];
                hN[state] = r[1];
                cN[state] = r[2];
            }
            layerInput = ops.concat(2, outputs);
        }
        return new Results(layerInput, ops.stack(hN), c0 == null ? null : ops.stack(cN));
    }

    /** One direction of one layer: {output (L, N, H_out), h_n (N, H_out), c_n (N, H) or null}. */
    private Output<?>[] direction(int layer, boolean reverseWeights, boolean reversed, Output<?> x, Output<?> h0,
                                  Output<?> c0, Output<?> valid) {
        DirectionWeights w = network.weights(layer, reverseWeights);
        if (valid == null && fitsBlockLstm(w)) {
            return BlockLstmLayer.build(ops, config, parameter(w.wIh(), ParameterNames.weightIh(layer, reverseWeights)),
                    parameter(w.wHh(), ParameterNames.weightHh(layer, reverseWeights)),
                    parameter(w.bIh(), ParameterNames.biasIh(layer, reverseWeights)),
                    parameter(w.bHh(), ParameterNames.biasHh(layer, reverseWeights)), reversed, x, h0, c0);
        }
        return new DirectionLoop(ops, config, config.layerInputSize(layer), config.options().activations(reverseWeights), carryOutput,
                "layer" + layer + (reverseWeights ? "_reverse" : "_forward"))
                .build(parameter(w.wIh(), ParameterNames.weightIh(layer, reverseWeights)),
                        parameter(w.wHh(), ParameterNames.weightHh(layer, reverseWeights)),
                        parameter(w.bIh(), ParameterNames.biasIh(layer, reverseWeights)),
                        parameter(w.bHh(), ParameterNames.biasHh(layer, reverseWeights)),
                        parameter(w.wHr(), ParameterNames.weightHr(layer, reverseWeights)),
                        parameter(w.peephole(), ParameterNames.peephole(layer, reverseWeights)),
                        reversed, x, h0, c0, valid);
    }

    private Output<?> parameter(Tensor value, String name) {
        return value == null ? null : parameters.get(ops, name, value);
    }

    /** BlockLSTM computes PyTorch's LSTM exactly when nothing beyond PyTorch's plain cell is asked. */
    private boolean fitsBlockLstm(DirectionWeights w) {
        CellOptions o = config.options();
        List<Activation> plain = CellOptions.defaultActivations(CellKind.LSTM);
        return config.cell() == CellKind.LSTM && ops.dtype == DataType.DT_FLOAT && config.projSize() == 0
                && w.peephole() == null && !o.hasClip() && !o.inputForget()
                && o.forwardActivations().equals(plain) && o.reverseActivations().equals(plain);
    }
}

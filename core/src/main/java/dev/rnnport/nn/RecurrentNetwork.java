package dev.rnnport.nn;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A recurrent network with PyTorch's semantics: the intermediate representation every format is
 * read into and written from. Weights are held per layer and direction in PyTorch's layout, index
 * {@code layer * directions + direction} (direction 1 is the reverse one), exactly as nn.LSTM's
 * {@code _flat_weights} are ordered.
 *
 * <p>The constructor checks every tensor's shape against the config, so a network that exists is
 * one the engine can run; a mismatch is reported with the layer, direction, tensor name and the
 * expected and found shapes.
 */
public final class RecurrentNetwork {
    private final NetworkConfig config;
    private final List<DirectionWeights> weights;
    /** Float32 cells for streaming, packed on first use and shared by every stream (benign race: equal values). */
    private volatile List<StepCell> stepCells;
    private final Map<String, String> annotations;

    public RecurrentNetwork(NetworkConfig config, List<DirectionWeights> weights) {
        this(config, weights, Map.of());
    }

    /**
     * A network with annotations: facts from the file it was read from that do not change what it
     * computes (a Keras Bidirectional merge_mode, return_sequences, the model's other layers), kept
     * so a writer of the same format can restore them and {@code inspect} can show them. Keys start
     * with the format's name ({@code keras.merge_mode}).
     */
    public RecurrentNetwork(NetworkConfig config, List<DirectionWeights> weights, Map<String, String> annotations) {
        this.config = config;
        this.weights = List.copyOf(weights);
        this.annotations = Map.copyOf(annotations);
        validate();
    }

    public NetworkConfig config() {
        return config;
    }

    public List<DirectionWeights> weights() {
        return weights;
    }

    /** See {@link #RecurrentNetwork(NetworkConfig, List, Map)}; empty for most files. */
    public Map<String, String> annotations() {
        return annotations;
    }

    public DirectionWeights weights(int layer, boolean reverse) {
        return weights.get(layer * config.directions() + (reverse ? 1 : 0));
    }

    /** True when some direction carries LSTM peepholes. */
    public boolean hasPeepholes() {
        return weights.stream().anyMatch(w -> w.peephole() != null);
    }

    /** Runs the network natively in float32; see {@link NativeEngine} for more control. */
    public RunOutputs forward(Tensor input) {
        return new NativeEngine(Precision.FLOAT32).run(this, RunInputs.of(input));
    }

    /**
     * A stream over this network from a zero state, to run it one time step at a time.
     *
     * @param batch the number of sequences stepped together
     * @return a new stream; the network may be shared by many streams and threads
     * @throws UsageException for a bidirectional or reverse-only network, whose reverse direction needs the whole sequence
     */
    public RecurrentStream openStream(int batch) {
        return RecurrentStream.open(this, batch, null, null);
    }

    /**
     * A stream over this network from the given state.
     *
     * @param batch the number of sequences stepped together
     * @param h0    initial hidden state, PyTorch's (num_layers, batch, H_out) (or (num_layers, H_out) for a batch of
     *              one); null for zeros
     * @param c0    initial LSTM cell state (num_layers, batch, hidden_size); null for zeros, and for GRU and RNN
     * @return a new stream whose {@link RecurrentStream#reset} returns to this state
     * @throws UsageException for a bidirectional or reverse-only network, or states of the wrong shape
     */
    public RecurrentStream openStream(int batch, Tensor h0, Tensor c0) {
        int layers = config.numLayers();
        return RecurrentStream.open(this, batch, RecurrentStream.state(h0, "h0", layers, batch, config.outputSize()),
                RecurrentStream.state(c0, "c0", layers, batch, config.hiddenSize()));
    }

    /**
     * A stream over this network from the given state, as row-major float arrays.
     *
     * @param batch the number of sequences stepped together
     * @param h0    initial hidden state, num_layers × batch × H_out values; null for zeros. Copied.
     * @param c0    initial LSTM cell state, num_layers × batch × hidden_size values; null for zeros. Copied.
     * @return a new stream whose {@link RecurrentStream#reset} returns to this state
     * @throws UsageException for a bidirectional or reverse-only network, or states of the wrong size
     */
    public RecurrentStream openStream(int batch, float[] h0, float[] c0) {
        return RecurrentStream.open(this, batch, h0, c0);
    }

    /**
     * A stream that computes exactly what the reference kernel ({@link NaiveKernel}) computes in
     * float32, rounding at the same places, rather than with the fast kernel: slower, for checking.
     * Parameters and exceptions as {@link #openStream(int, float[], float[])}.
     */
    public RecurrentStream openReferenceStream(int batch, float[] h0, float[] c0) {
        return RecurrentStream.open(this, batch, h0, c0, true, 1);
    }

    /** One float32 cell per layer of the forward direction, packed once. */
    List<StepCell> stepCells() {
        List<StepCell> cells = stepCells;
        if (cells == null) {
            StepCell[] built = new StepCell[config.numLayers()];
            for (int layer = 0; layer < built.length; layer++) {
                built[layer] = new StepCell(this, layer, false);
            }
            cells = List.of(built);
            stepCells = cells;
        }
        return cells;
    }

    private void validate() {
        int expected = config.numLayers() * config.directions();
        if (weights.size() != expected) {
            throw new ModelException(config.cell().moduleName() + " with " + config.numLayers() + " layer(s) and "
                    + config.directions() + " direction(s) needs " + expected + " weight sets, found " + weights.size());
        }
        int gh = config.cell().gates() * config.hiddenSize();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (int d = 0; d < config.directions(); d++) {
                boolean rev = d == 1;
                DirectionWeights w = weights(layer, rev);
                check(layer, rev, ParameterNames.weightIh(layer, rev), w.wIh(), gh, config.layerInputSize(layer));
                check(layer, rev, ParameterNames.weightHh(layer, rev), w.wHh(), gh, config.outputSize());
                if (config.bias()) {
                    check(layer, rev, ParameterNames.biasIh(layer, rev), w.bIh(), gh);
                    check(layer, rev, ParameterNames.biasHh(layer, rev), w.bHh(), gh);
                } else if (w.bIh() != null || w.bHh() != null) {
                    throw new ModelException(ParameterNames.direction(layer, rev) + ": network has bias=False but "
                            + ParameterNames.biasIh(layer, rev) + " is present");
                }
                if (config.projSize() > 0) {
                    check(layer, rev, ParameterNames.weightHr(layer, rev), w.wHr(), config.projSize(), config.hiddenSize());
                } else if (w.wHr() != null) {
                    throw new ModelException(ParameterNames.direction(layer, rev) + ": "
                            + ParameterNames.weightHr(layer, rev) + " is present but proj_size is 0");
                }
                if (w.peephole() != null) {
                    if (config.cell() != CellKind.LSTM) {
                        throw new ModelException(ParameterNames.direction(layer, rev) + ": peepholes exist only for LSTM");
                    }
                    check(layer, rev, ParameterNames.peephole(layer, rev), w.peephole(), 3 * config.hiddenSize());
                }
            }
        }
    }

    private static void check(int layer, boolean rev, String name, Tensor t, int... shape) {
        if (t == null) {
            throw new ModelException(ParameterNames.direction(layer, rev) + ": tensor " + name + " is missing");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelException(ParameterNames.direction(layer, rev) + ": tensor " + name + " has shape "
                    + t.shapeString() + ", expected " + Shapes.format(shape));
        }
    }

    @Override
    public String toString() {
        NetworkConfig c = config;
        return c.cell().moduleName() + "(input_size=" + c.inputSize() + ", hidden_size=" + c.hiddenSize()
                + ", num_layers=" + c.numLayers() + ", bias=" + c.bias() + ", batch_first=" + c.batchFirst()
                + ", dropout=" + c.dropout() + ", bidirectional=" + c.bidirectional()
                + (c.projSize() > 0 ? ", proj_size=" + c.projSize() : "")
                + (c.cell().isRnn() ? ", nonlinearity=" + (c.cell() == CellKind.RNN_RELU ? "relu" : "tanh") : "") + ")";
    }
}

package dev.rnnport.nn;

/**
 * The hyper-parameters of torch.nn.LSTM / GRU / RNN, plus {@link CellOptions} for what other
 * formats add. The nonlinearity of nn.RNN is carried by the cell kind (RNN_TANH or RNN_RELU).
 *
 * @param projSize LSTM projection size, 0 when there is none
 * @param dropout  probability of zeroing each layer's output except the last's, in training only
 */
public record NetworkConfig(CellKind cell, int inputSize, int hiddenSize, int numLayers, boolean bias,
                            boolean batchFirst, double dropout, boolean bidirectional, int projSize,
                            CellOptions options) {

    public NetworkConfig {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new ConfigException("input_size, hidden_size and num_layers must be positive, found "
                    + inputSize + ", " + hiddenSize + ", " + numLayers);
        }
        if (projSize < 0 || (projSize > 0 && cell != CellKind.LSTM)) {
            throw new ConfigException("proj_size " + projSize + " is only allowed for LSTM");
        }
        if (projSize >= hiddenSize && projSize > 0) {
            throw new ConfigException("proj_size " + projSize + " must be smaller than hidden_size " + hiddenSize);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ConfigException("dropout must be in [0, 1), found " + dropout);
        }
        if (bidirectional && options.reverseOnly()) {
            throw new ConfigException("a bidirectional network cannot also be reverse-only");
        }
        int acts = cell.activationCount();
        if (options.forwardActivations().size() != acts || options.reverseActivations().size() != acts) {
            throw new ConfigException(cell.moduleName() + " takes " + acts + " activations per direction");
        }
    }

    /** A PyTorch module with default options: unidirectional, one layer, bias, time-major. */
    public static NetworkConfig of(CellKind cell, int inputSize, int hiddenSize) {
        return new NetworkConfig(cell, inputSize, hiddenSize, 1, true, false, 0.0, false, 0, CellOptions.defaults(cell));
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Size of h (and of each direction's slice of the output): proj_size when projecting, else hidden_size. */
    public int outputSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : directions() * outputSize();
    }

    public NetworkConfig withLayers(int n) {
        return new NetworkConfig(cell, inputSize, hiddenSize, n, bias, batchFirst, dropout, bidirectional, projSize, options);
    }

    public NetworkConfig withBias(boolean b) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, b, batchFirst, dropout, bidirectional, projSize, options);
    }

    public NetworkConfig withBatchFirst(boolean b) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, bias, b, dropout, bidirectional, projSize, options);
    }

    public NetworkConfig withDropout(double p) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, p, bidirectional, projSize, options);
    }

    public NetworkConfig withBidirectional(boolean b) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, b, projSize, options);
    }

    public NetworkConfig withProjSize(int p) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, p, options);
    }

    public NetworkConfig withOptions(CellOptions o) {
        return new NetworkConfig(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, o);
    }

    /** Switches between nn.RNN's tanh and relu, keeping the activations consistent with the cell. */
    public NetworkConfig withCell(CellKind c) {
        CellOptions o = options;
        if (c != cell && c.isRnn() && cell.isRnn()) {
            o = o.withActivations(CellOptions.defaultActivations(c), CellOptions.defaultActivations(c));
        }
        return new NetworkConfig(c, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, o);
    }
}

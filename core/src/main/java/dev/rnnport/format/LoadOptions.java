package dev.rnnport.format;

import dev.rnnport.nn.CellKind;

/**
 * What the user says about a file beyond its contents: which network to take and the settings a
 * PyTorch state dict cannot carry. Null fields mean "as the file says".
 *
 * @param network      name of the network to take (a prefix, a node name); null for the only one
 * @param batchFirst   overrides batch_first
 * @param nonlinearity RNN_TANH or RNN_RELU for an nn.RNN
 */
public record LoadOptions(String network, Boolean batchFirst, CellKind nonlinearity) {
    public static final LoadOptions DEFAULTS = new LoadOptions(null, null, null);
}

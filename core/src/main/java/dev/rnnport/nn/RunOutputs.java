package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;

/**
 * A network's results in PyTorch's shapes: output (L, N, D*H_out) or (N, L, D*H_out) when
 * batch_first, with the forward direction first on the last axis; h_n (D*num_layers, N, H_out);
 * c_n (D*num_layers, N, hidden_size) for LSTM, else null. Unbatched input drops the N axis.
 */
public record RunOutputs(Tensor output, Tensor hN, Tensor cN) {
}

package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;

/**
 * What a network is run on, in PyTorch's shapes for the network's batch_first setting.
 *
 * @param input   (L, N, input_size), (N, L, input_size) when batch_first, or unbatched (L, input_size)
 * @param h0      optional initial hidden state (D*num_layers, N, H_out), or (D*num_layers, H_out) unbatched
 * @param c0      optional initial LSTM cell state (D*num_layers, N, hidden_size)
 * @param lengths optional valid length of each sequence (N); steps past it give zero outputs and
 *                leave the state unchanged, like a packed sequence or ONNX sequence_lens
 */
public record RunInputs(Tensor input, Tensor h0, Tensor c0, Tensor lengths) {

    public static RunInputs of(Tensor input) {
        return new RunInputs(input, null, null, null);
    }

    public RunInputs withH0(Tensor h) {
        return new RunInputs(input, h, c0, lengths);
    }

    public RunInputs withC0(Tensor c) {
        return new RunInputs(input, h0, c, lengths);
    }

    public RunInputs withLengths(Tensor l) {
        return new RunInputs(input, h0, c0, l);
    }
}

package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;

/**
 * What a network is run on, in PyTorch's shapes for the network's batch_first setting.
 *
 * @param input   (L, N, input_size), (N, L, input_size) when batch_first, or unbatched (L, input_size)
 * @param h0      optional initial hidden state (D*num_layers, N, H_out), or (D*num_layers, H_out) unbatched
 * @param c0      optional initial LSTM cell state (D*num_layers, N, hidden_size)
 * @param lengths optional valid length of each sequence (N); steps past it are invalid, like a
 *                packed sequence or ONNX sequence_lens
 * @param mask    optional validity of each step (N, L) whatever batch_first says, or (L) unbatched, as
 *                Keras passes masks: nonzero marks a valid step, and an invalid one may sit anywhere.
 *                With lengths too, a step is valid when both say so. What an invalid step outputs is
 *                the network's {@link Masking} convention; its state never changes there
 */
public record RunInputs(Tensor input, Tensor h0, Tensor c0, Tensor lengths, Tensor mask) {

    public RunInputs(Tensor input, Tensor h0, Tensor c0, Tensor lengths) {
        this(input, h0, c0, lengths, null);
    }

    public static RunInputs of(Tensor input) {
        return new RunInputs(input, null, null, null, null);
    }

    public RunInputs withH0(Tensor h) {
        return new RunInputs(input, h, c0, lengths, mask);
    }

    public RunInputs withC0(Tensor c) {
        return new RunInputs(input, h0, c, lengths, mask);
    }

    public RunInputs withLengths(Tensor l) {
        return new RunInputs(input, h0, c0, l, mask);
    }

    public RunInputs withMask(Tensor m) {
        return new RunInputs(input, h0, c0, lengths, m);
    }
}

package dev.rnnport.spark;

/**
 * One sequence's results as row values: {@code float[][]} in float32, {@code double[][]} in float64.
 *
 * @param output per time step the last layer's output, both directions concatenated (seq_len, D*H_out)
 * @param hN     final hidden state (D*num_layers, H_out)
 * @param cN     final LSTM cell state (D*num_layers, hidden_size); null for GRU and RNN
 */
public record ScoredSequence(Object output, Object hN, Object cN) {
}

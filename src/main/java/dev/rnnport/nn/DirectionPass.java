package dev.rnnport.nn;

/**
 * One direction of one layer over a whole time-major batch: what a {@link DirectionKernel} computes.
 *
 * @param x       layer input (steps, batch, inputSize)
 * @param h       initial hidden state (batch, H_out); overwritten with the final state
 * @param c       initial cell state (batch, hidden_size) for LSTM, overwritten; null otherwise
 * @param y       receives this direction's outputs (steps, batch, H_out); positions past a
 *                sequence's length are set to zero
 */
public record DirectionPass(NetworkConfig config, DirectionWeights weights, boolean reverse, Precision precision,
                            int steps, int batch, int inputSize, int[] lengths,
                            double[] x, double[] h, double[] c, double[] y) {
}

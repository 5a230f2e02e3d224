package dev.rnnport.nn;

/**
 * One direction of one layer over a whole time-major batch: what a {@link DirectionKernel} computes.
 *
 * @param x       layer input (steps, batch, inputSize)
 * @param h       initial hidden state (batch, H_out); overwritten with the final state
 * @param c       initial cell state (batch, hidden_size) for LSTM, overwritten; null otherwise
 * @param valid   whether step t of sequence n is valid, index t*batch+n; at an invalid step the state
 *                is left alone and the output is zero or the previous output, as
 *                {@code config.options().masking().steps()} says
 * @param y       receives this direction's outputs (steps, batch, H_out)
 */
public record DirectionPass(NetworkConfig config, DirectionWeights weights, boolean reverse, Precision precision,
                            int steps, int batch, int inputSize, boolean[] valid,
                            double[] x, double[] h, double[] c, double[] y) {
}

package dev.rnnport.nn;

/**
 * One direction of one layer in float32, as the fast kernel computes it: a {@link DirectionPass}
 * on floats, with the outputs written straight into the layer's output so that both directions
 * fill one array, no copies between layers and no doubles.
 *
 * @param x       layer input (steps, batch, inputSize)
 * @param h       initial hidden state (batch, H_out); overwritten with the final state
 * @param c       initial cell state (batch, hidden_size) for LSTM, overwritten; null otherwise
 * @param valid   as {@link DirectionPass#valid()}
 * @param y       the layer's output (steps, batch, yStride); this direction fills columns
 *                [yOffset, yOffset + H_out) of every row
 */
public record FloatPass(NetworkConfig config, DirectionWeights weights, boolean reverse, int steps, int batch,
                        int inputSize, boolean[] valid, float[] x, float[] h, float[] c, float[] y, int yStride,
                        int yOffset) {

    /** Doubles rounded to floats, for a pass's input or state; null (an absent state) stays null. */
    public static float[] floats(double[] v) {
        if (v == null) {
            return null;
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}

package dev.rnnport.nn.fast;

/** {@link StepProduct} in plain Java; the inner loop over a panel's columns is one the JIT can vectorise. */
final class ScalarStepProduct implements StepProduct {
    @Override
    public void product(float[] v, int k0, int k1, StepMatrix m, int p0, int p1, float[] init, float[] out) {
        float[] w = m.data;
        for (int p = p0; p < p1; p++) {
            int col = m.column[p];
            int width = m.width[p];
            if (init == null) {
                java.util.Arrays.fill(out, col, col + width, 0f);
            } else if (init != out) {
                System.arraycopy(init, col, out, col, width);
            }
            int bi = m.offset[p] + k0 * width;
            for (int k = k0; k < k1; k++, bi += width) {
                float x = v[k];
                for (int q = 0; q < width; q++) {
                    out[col + q] += x * w[bi + q];
                }
            }
        }
    }
}

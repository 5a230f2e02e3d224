package dev.rnnport.nn.fast;

/**
 * {@link StepProduct} in plain Java. Each run of 8 columns keeps 8 sums in local variables over the
 * whole of k (8 independent chains, one store per column at the end): faster here than updating
 * the output array for every k, a loop the JIT does not vectorise because it cannot tell the
 * output from the weights (both float arrays). Panel widths are multiples of 8, the plain-Java lanes.
 */
final class ScalarStepProduct implements StepProduct {
    @Override
    public void product(float[] v, int k0, int k1, StepMatrix m, int p0, int p1, float[] init, float[] out,
                        boolean descending) {
        float[] w = m.data;
        for (int i = p0; i < p1; i++) {
            int p = descending ? p1 - 1 - (i - p0) : i;
            int col = m.column[p];
            int width = m.width[p];
            int base = m.offset[p] + k0 * width;
            for (int q = 0; q < width; q += 8) {
                int c = col + q;
                boolean zero = init == null;
                float a0 = zero ? 0 : init[c], a1 = zero ? 0 : init[c + 1], a2 = zero ? 0 : init[c + 2], a3 = zero ? 0 : init[c + 3];
                float a4 = zero ? 0 : init[c + 4], a5 = zero ? 0 : init[c + 5], a6 = zero ? 0 : init[c + 6], a7 = zero ? 0 : init[c + 7];
                int bi = base + q;
                for (int k = k0; k < k1; k++, bi += width) {
                    float x = v[k];
                    a0 += x * w[bi];
                    a1 += x * w[bi + 1];
                    a2 += x * w[bi + 2];
                    a3 += x * w[bi + 3];
                    a4 += x * w[bi + 4];
                    a5 += x * w[bi + 5];
                    a6 += x * w[bi + 6];
                    a7 += x * w[bi + 7];
                }
                out[c] = a0;
                out[c + 1] = a1;
                out[c + 2] = a2;
                out[c + 3] = a3;
                out[c + 4] = a4;
                out[c + 5] = a5;
                out[c + 6] = a6;
                out[c + 7] = a7;
            }
        }
    }
}

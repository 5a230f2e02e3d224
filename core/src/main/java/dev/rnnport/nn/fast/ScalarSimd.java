package dev.rnnport.nn.fast;

/**
 * {@link Simd} in plain Java, for JVMs without the Vector API module. The panel loops are simple
 * enough for the JIT to vectorise some of them itself.
 */
final class ScalarSimd implements Simd {
    private final int lanes;

    ScalarSimd(int lanes) {
        this.lanes = lanes;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public void gemm(float[] a, int aOff, int lda, int rows, PackedMatrix b, int p0, int p1,
                     float[] init, int iOff, int iStride, float[] c, int cOff, int ldc) {
        int nr = b.nr;
        int depth = b.depth;
        float[] w = b.data;
        for (int p = p0; p < p1; p++) {
            int bp = b.panelOffset(p);
            int col = (p - p0) * nr;
            for (int r = 0; r < rows; r++) {
                int co = cOff + r * ldc + col;
                if (init == null) {
                    java.util.Arrays.fill(c, co, co + nr, 0f);
                } else if (init != c || iOff + r * iStride + col != co) {
                    System.arraycopy(init, iOff + r * iStride + col, c, co, nr);
                }
                int ao = aOff + r * lda;
                for (int k = 0; k < depth; k++) {
                    float x = a[ao + k];
                    int bk = bp + k * nr;
                    for (int q = 0; q < nr; q++) {
                        c[co + q] += x * w[bk + q];
                    }
                }
            }
        }
    }

    @Override
    public void lstmStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                         float[] c, int ldc, float[] peep, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn) {
        for (int r = 0; r < rows; r++) {
            if (!valid[vOff + r]) {
                continue;
            }
            int x = xOff + r * ldx;
            for (int b = b0; b < b1; b++) {
                for (int g = 0; g < 4; g++) {
                    addBlockProduct(h, r * ldh, w, b, g, xp, x + g * hp);
                }
                lstm(xp, x, hp, c, r * ldc, peep, out, r * ldo, b * lanes, (b + 1) * lanes, fn);
            }
        }
    }

    @Override
    public void gruStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                        float[] bhn, float[] hn, int ldhn, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn) {
        for (int r = 0; r < rows; r++) {
            if (!valid[vOff + r]) {
                continue;
            }
            int x = xOff + r * ldx;
            for (int b = b0; b < b1; b++) {
                int j = b * lanes;
                addBlockProduct(h, r * ldh, w, b, 0, xp, x);
                addBlockProduct(h, r * ldh, w, b, 1, xp, x + hp);
                System.arraycopy(bhn, 2 * hp + j, hn, r * ldhn + j, lanes);
                addBlockProduct(h, r * ldh, w, b, 2, hn, r * ldhn);
                gruAfterProduct(xp, x, hp, hn, r * ldhn, h, r * ldh, out, r * ldo, j, j + lanes, fn);
            }
        }
    }

    /** dst[dOff + j] += sum_k a[aOff + k] * W[g][j][k] for the units j of block b, k ascending. */
    private void addBlockProduct(float[] a, int aOff, PackedMatrix w, int b, int g, float[] dst, int dOff) {
        float[] d = w.data;
        int nr = w.nr;
        int wk = w.panelOffset(b) + g * lanes;
        int o = dOff + b * lanes;
        for (int k = 0; k < w.depth; k++, wk += nr) {
            float x = a[aOff + k];
            for (int u = 0; u < lanes; u++) {
                dst[o + u] += x * d[wk + u];
            }
        }
    }

    @Override
    public void lstm(float[] g, int gOff, int hp, float[] c, int cOff, float[] peep, float[] h, int hOff,
                     int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j++) {
            float cPrev = c[cOff + j];
            float pi = g[gOff + j];
            float pf = g[gOff + hp + j];
            float po = g[gOff + 3 * hp + j];
            if (peep != null) {
                pi += peep[j] * cPrev;
                pf += peep[hp + j] * cPrev;
            }
            float i = GateFunctions.apply(fn.f(), fn.clip(pi));
            float f = fn.inputForget() ? 1f - i : GateFunctions.apply(fn.f(), fn.clip(pf));
            float gg = GateFunctions.apply(fn.g(), fn.clip(g[gOff + 2 * hp + j]));
            float cNew = f * cPrev + i * gg;
            if (peep != null) {
                po += peep[2 * hp + j] * cNew;
            }
            float o = GateFunctions.apply(fn.f(), fn.clip(po));
            c[cOff + j] = cNew;
            h[hOff + j] = o * GateFunctions.apply(fn.h(), cNew);
        }
    }

    @Override
    public void gruAfterProduct(float[] g, int gOff, int hp, float[] hn, int hnOff, float[] hPrev, int pOff,
                                float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j++) {
            float r = GateFunctions.apply(fn.f(), fn.clip(g[gOff + j]));
            float z = GateFunctions.apply(fn.f(), fn.clip(g[gOff + hp + j]));
            float n = GateFunctions.apply(fn.g(), fn.clip(g[gOff + 2 * hp + j] + r * hn[hnOff + j]));
            h[hOff + j] = (1f - z) * n + z * hPrev[pOff + j];
        }
    }

    @Override
    public void gruResetHidden(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] rh, int rhOff,
                               int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j++) {
            float r = GateFunctions.apply(fn.f(), fn.clip(g[gOff + j]));
            rh[rhOff + j] = r * hPrev[pOff + j];
            g[gOff + hp + j] = GateFunctions.apply(fn.f(), fn.clip(g[gOff + hp + j]));
        }
    }

    @Override
    public void gruCandidate(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] h, int hOff,
                             int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j++) {
            float z = g[gOff + hp + j];
            float n = GateFunctions.apply(fn.g(), fn.clip(g[gOff + 2 * hp + j]));
            h[hOff + j] = (1f - z) * n + z * hPrev[pOff + j];
        }
    }

    @Override
    public void rnn(float[] g, int gOff, float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j++) {
            h[hOff + j] = GateFunctions.apply(fn.f(), fn.clip(g[gOff + j]));
        }
    }
}

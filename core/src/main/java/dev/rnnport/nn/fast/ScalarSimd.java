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

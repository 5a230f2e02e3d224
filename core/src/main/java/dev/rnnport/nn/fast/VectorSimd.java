package dev.rnnport.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} with the Vector API at the machine's preferred width. The product keeps a tile of
 * 4 rows by 4 vectors (16 accumulators) in registers over the whole inner dimension; each step
 * loads the panel's 4 vectors for input k once and broadcasts one input value per row. This class
 * and {@link VectorMath} are the only ones that touch jdk.incubator.vector, and they are loaded
 * only when that module is present.
 */
final class VectorSimd implements Simd {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void gemm(float[] a, int aOff, int lda, int rows, PackedMatrix b, int p0, int p1,
                     float[] init, int iOff, int iStride, float[] c, int cOff, int ldc) {
        for (int p = p0; p < p1; p++) {
            int col = (p - p0) * 4 * L;
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                tile4(a, aOff + r * lda, lda, b, p, init, init == null ? 0 : iOff + r * iStride + col, iStride,
                        c, cOff + r * ldc + col, ldc);
            }
            for (; r < rows; r++) {
                tile1(a, aOff + r * lda, b, p, init, init == null ? 0 : iOff + r * iStride + col, c, cOff + r * ldc + col);
            }
        }
    }

    private static FloatVector load(float[] init, int off) {
        return init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, off);
    }

    private static void tile4(float[] a, int a0, int lda, PackedMatrix b, int p, float[] init, int i0, int is,
                              float[] c, int c0, int ldc) {
        FloatVector c00 = load(init, i0), c01 = load(init, i0 + L), c02 = load(init, i0 + 2 * L), c03 = load(init, i0 + 3 * L);
        int i1 = i0 + is;
        FloatVector c10 = load(init, i1), c11 = load(init, i1 + L), c12 = load(init, i1 + 2 * L), c13 = load(init, i1 + 3 * L);
        int i2 = i1 + is;
        FloatVector c20 = load(init, i2), c21 = load(init, i2 + L), c22 = load(init, i2 + 2 * L), c23 = load(init, i2 + 3 * L);
        int i3 = i2 + is;
        FloatVector c30 = load(init, i3), c31 = load(init, i3 + L), c32 = load(init, i3 + 2 * L), c33 = load(init, i3 + 3 * L);
        float[] w = b.data;
        int depth = b.depth;
        int bi = b.panelOffset(p);
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int k = 0; k < depth; k++, bi += 4 * L) {
            FloatVector b0 = FloatVector.fromArray(S, w, bi);
            FloatVector b1 = FloatVector.fromArray(S, w, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, w, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, w, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        int d = c0 + ldc;
        c10.intoArray(c, d);
        c11.intoArray(c, d + L);
        c12.intoArray(c, d + 2 * L);
        c13.intoArray(c, d + 3 * L);
        d += ldc;
        c20.intoArray(c, d);
        c21.intoArray(c, d + L);
        c22.intoArray(c, d + 2 * L);
        c23.intoArray(c, d + 3 * L);
        d += ldc;
        c30.intoArray(c, d);
        c31.intoArray(c, d + L);
        c32.intoArray(c, d + 2 * L);
        c33.intoArray(c, d + 3 * L);
    }

    /** One row: the same per-element order as {@link #tile4}, so the row blocking never shows in results. */
    private static void tile1(float[] a, int a0, PackedMatrix b, int p, float[] init, int i0, float[] c, int c0) {
        FloatVector c0v = load(init, i0), c1v = load(init, i0 + L), c2v = load(init, i0 + 2 * L), c3v = load(init, i0 + 3 * L);
        float[] w = b.data;
        int depth = b.depth;
        int bi = b.panelOffset(p);
        for (int k = 0; k < depth; k++, bi += 4 * L) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0v = x.fma(FloatVector.fromArray(S, w, bi), c0v);
            c1v = x.fma(FloatVector.fromArray(S, w, bi + L), c1v);
            c2v = x.fma(FloatVector.fromArray(S, w, bi + 2 * L), c2v);
            c3v = x.fma(FloatVector.fromArray(S, w, bi + 3 * L), c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
        c2v.intoArray(c, c0 + 2 * L);
        c3v.intoArray(c, c0 + 3 * L);
    }

    private static FloatVector clip(FloatVector x, GateFunctions fn) {
        return fn.hasClip() ? x.max(-fn.clip()).min(fn.clip()) : x;
    }

    @Override
    public void lstm(float[] g, int gOff, int hp, float[] c, int cOff, float[] peep, float[] h, int hOff,
                     int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j += L) {
            FloatVector cPrev = FloatVector.fromArray(S, c, cOff + j);
            FloatVector pi = FloatVector.fromArray(S, g, gOff + j);
            FloatVector pf = FloatVector.fromArray(S, g, gOff + hp + j);
            FloatVector po = FloatVector.fromArray(S, g, gOff + 3 * hp + j);
            if (peep != null) {
                pi = FloatVector.fromArray(S, peep, j).fma(cPrev, pi);
                pf = FloatVector.fromArray(S, peep, hp + j).fma(cPrev, pf);
            }
            FloatVector i = VectorMath.apply(fn.f(), clip(pi, fn));
            FloatVector f = fn.inputForget() ? FloatVector.broadcast(S, 1f).sub(i) : VectorMath.apply(fn.f(), clip(pf, fn));
            FloatVector gg = VectorMath.apply(fn.g(), clip(FloatVector.fromArray(S, g, gOff + 2 * hp + j), fn));
            FloatVector cNew = f.mul(cPrev).add(i.mul(gg));
            if (peep != null) {
                po = FloatVector.fromArray(S, peep, 2 * hp + j).fma(cNew, po);
            }
            FloatVector o = VectorMath.apply(fn.f(), clip(po, fn));
            cNew.intoArray(c, cOff + j);
            o.mul(VectorMath.apply(fn.h(), cNew)).intoArray(h, hOff + j);
        }
    }

    @Override
    public void gruAfterProduct(float[] g, int gOff, int hp, float[] hn, int hnOff, float[] hPrev, int pOff,
                                float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j += L) {
            FloatVector r = VectorMath.apply(fn.f(), clip(FloatVector.fromArray(S, g, gOff + j), fn));
            FloatVector z = VectorMath.apply(fn.f(), clip(FloatVector.fromArray(S, g, gOff + hp + j), fn));
            FloatVector pre = r.fma(FloatVector.fromArray(S, hn, hnOff + j), FloatVector.fromArray(S, g, gOff + 2 * hp + j));
            FloatVector n = VectorMath.apply(fn.g(), clip(pre, fn));
            FloatVector hp0 = FloatVector.fromArray(S, hPrev, pOff + j);
            FloatVector.broadcast(S, 1f).sub(z).mul(n).add(z.mul(hp0)).intoArray(h, hOff + j);
        }
    }

    @Override
    public void gruResetHidden(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] rh, int rhOff,
                               int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j += L) {
            FloatVector r = VectorMath.apply(fn.f(), clip(FloatVector.fromArray(S, g, gOff + j), fn));
            r.mul(FloatVector.fromArray(S, hPrev, pOff + j)).intoArray(rh, rhOff + j);
            VectorMath.apply(fn.f(), clip(FloatVector.fromArray(S, g, gOff + hp + j), fn)).intoArray(g, gOff + hp + j);
        }
    }

    @Override
    public void gruCandidate(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] h, int hOff,
                             int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j += L) {
            FloatVector z = FloatVector.fromArray(S, g, gOff + hp + j);
            FloatVector n = VectorMath.apply(fn.g(), clip(FloatVector.fromArray(S, g, gOff + 2 * hp + j), fn));
            FloatVector hp0 = FloatVector.fromArray(S, hPrev, pOff + j);
            FloatVector.broadcast(S, 1f).sub(z).mul(n).add(z.mul(hp0)).intoArray(h, hOff + j);
        }
    }

    @Override
    public void rnn(float[] g, int gOff, float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        for (int j = j0; j < j1; j += L) {
            VectorMath.apply(fn.f(), clip(FloatVector.fromArray(S, g, gOff + j), fn)).intoArray(h, hOff + j);
        }
    }
}

package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} with the Vector API at the machine's preferred width. The product keeps a tile of
 * 4 rows by 4 vectors (16 accumulators) in registers over the whole inner dimension; each step
 * loads the panel's 4 vectors for input k once and broadcasts one input value per row. This class
 * and {@link VectorMath} are the only ones that touch jdk.incubator.vector, and they are loaded
 * only when that module is present.
 *
 * <p>Panel offsets in the product loops are written as {@code base + k * width}, linear in the
 * loop counter, rather than a second counter stepped by width: JDK 17 keeps a bounds check on
 * every vector load, and C2 hoists it out of the loop only for an index in that form.
 */
final class VectorSimd implements Simd {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();
    /**
     * LSTM: inputs per pass of a 4-row tile over a unit block: 128 panel rows (32 kB) stay in L1
     * while every row group of the step goes over them. The sums wait in xp between passes; storing
     * and reloading a float is exact, so the result is that of one pass over all inputs.
     */
    private static final int DEPTH_CHUNK = 128;
    /** One panel row of zeros: the start of a product without init. */
    private static final float[] ZEROS = new float[4 * L];

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void gemm(float[] a, int aOff, int lda, int rows, PackedMatrix b, int p0, int p1,
                     float[] init, int iOff, int iStride, float[] c, int cOff, int ldc) {
        // No init: start from zeros. A vector-returning helper here would be boxed where it is not inlined.
        float[] in = init == null ? ZEROS : init;
        int is = init == null ? 0 : iStride;
        for (int p = p0; p < p1; p++) {
            int col = (p - p0) * 4 * L;
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                tile4(a, aOff + r * lda, lda, b, p, in, init == null ? 0 : iOff + r * iStride + col, is,
                        c, cOff + r * ldc + col, ldc);
            }
            for (; r < rows; r++) {
                tile1(a, aOff + r * lda, b, p, in, init == null ? 0 : iOff + r * iStride + col, c, cOff + r * ldc + col);
            }
        }
    }

    private static void tile4(float[] a, int a0, int lda, PackedMatrix b, int p, float[] init, int i0, int is,
                              float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, init, i0), c01 = FloatVector.fromArray(S, init, i0 + L), c02 = FloatVector.fromArray(S, init, i0 + 2 * L), c03 = FloatVector.fromArray(S, init, i0 + 3 * L);
        int i1 = i0 + is;
        FloatVector c10 = FloatVector.fromArray(S, init, i1), c11 = FloatVector.fromArray(S, init, i1 + L), c12 = FloatVector.fromArray(S, init, i1 + 2 * L), c13 = FloatVector.fromArray(S, init, i1 + 3 * L);
        int i2 = i1 + is;
        FloatVector c20 = FloatVector.fromArray(S, init, i2), c21 = FloatVector.fromArray(S, init, i2 + L), c22 = FloatVector.fromArray(S, init, i2 + 2 * L), c23 = FloatVector.fromArray(S, init, i2 + 3 * L);
        int i3 = i2 + is;
        FloatVector c30 = FloatVector.fromArray(S, init, i3), c31 = FloatVector.fromArray(S, init, i3 + L), c32 = FloatVector.fromArray(S, init, i3 + 2 * L), c33 = FloatVector.fromArray(S, init, i3 + 3 * L);
        float[] w = b.data;
        int depth = b.depth;
        int base = b.panelOffset(p);
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int k = 0; k < depth; k++) {
            int bi = base + k * (4 * L);
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
        FloatVector c0v = FloatVector.fromArray(S, init, i0), c1v = FloatVector.fromArray(S, init, i0 + L), c2v = FloatVector.fromArray(S, init, i0 + 2 * L), c3v = FloatVector.fromArray(S, init, i0 + 3 * L);
        float[] w = b.data;
        int depth = b.depth;
        int base = b.panelOffset(p);
        for (int k = 0; k < depth; k++) {
            int bi = base + k * (4 * L);
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

    /**
     * From 4 rows: the sums of every unit block first, then the gates of each row over the whole
     * range at once (the sums wait in xp, in L2 at batch 32), so the gate loops run long enough to
     * pay for their calls. Below 4 rows the gates follow each block's sums: called once per block
     * and step, the gate code reaches the 600 calls after which C2 compiles a method within the
     * first run, where once per step (100 calls a run) it would stay in C1 for six runs.
     */
    @Override
    public void lstmStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                         float[] c, int ldc, float[] peep, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn) {
        int tiled = rows / 4 * 4;
        for (int b = b0; b < b1; b++) {
            int j = b * L;
            for (int k0 = 0; k0 < w.depth; k0 += DEPTH_CHUNK) {
                int k1 = Math.min(w.depth, k0 + DEPTH_CHUNK);
                for (int r = 0; r < tiled; r += 4) {
                    lstmSums4(h, r * ldh, ldh, w, b, k0, k1, xp, xOff + r * ldx + j, ldx, hp);
                }
            }
            for (int r = tiled; r < rows; r++) {
                if (valid[vOff + r]) {
                    lstmSums1(h, r * ldh, w, b, xp, xOff + r * ldx + j, hp);
                    if (tiled == 0) {
                        lstm(xp, xOff + r * ldx, hp, c, r * ldc, peep, out, r * ldo, j, j + L, fn);
                    }
                }
            }
        }
        for (int r = 0; r < rows && tiled > 0; r++) {
            if (valid[vOff + r]) {
                lstm(xp, xOff + r * ldx, hp, c, r * ldc, peep, out, r * ldo, b0 * L, b1 * L, fn);
            }
        }
    }

    /**
     * Four rows of one unit block: 16 sums (4 rows x gates i, f, g, o) kept in registers over all
     * of h, starting from and written back to xp (gate g of row r at x0 + r*ldx + g*hp).
     */
    private static void lstmSums4(float[] h, int h0, int ldh, PackedMatrix w, int b, int k0, int k1, float[] xp, int x0, int ldx,
                                  int hp) {
        int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        FloatVector i0 = FloatVector.fromArray(S, xp, x0), f0 = FloatVector.fromArray(S, xp, x0 + hp);
        FloatVector g0 = FloatVector.fromArray(S, xp, x0 + 2 * hp), o0 = FloatVector.fromArray(S, xp, x0 + 3 * hp);
        FloatVector i1 = FloatVector.fromArray(S, xp, x1), f1 = FloatVector.fromArray(S, xp, x1 + hp);
        FloatVector g1 = FloatVector.fromArray(S, xp, x1 + 2 * hp), o1 = FloatVector.fromArray(S, xp, x1 + 3 * hp);
        FloatVector i2 = FloatVector.fromArray(S, xp, x2), f2 = FloatVector.fromArray(S, xp, x2 + hp);
        FloatVector g2 = FloatVector.fromArray(S, xp, x2 + 2 * hp), o2 = FloatVector.fromArray(S, xp, x2 + 3 * hp);
        FloatVector i3 = FloatVector.fromArray(S, xp, x3), f3 = FloatVector.fromArray(S, xp, x3 + hp);
        FloatVector g3 = FloatVector.fromArray(S, xp, x3 + 2 * hp), o3 = FloatVector.fromArray(S, xp, x3 + 3 * hp);
        float[] wd = w.data;
        int base = w.panelOffset(b);
        int h1 = h0 + ldh, h2 = h1 + ldh, h3 = h2 + ldh;
        for (int k = k0; k < k1; k++) {
            int bi = base + k * (4 * L);
            FloatVector wi = FloatVector.fromArray(S, wd, bi);
            FloatVector wf = FloatVector.fromArray(S, wd, bi + L);
            FloatVector wg = FloatVector.fromArray(S, wd, bi + 2 * L);
            FloatVector wo = FloatVector.fromArray(S, wd, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, h[h0 + k]);
            i0 = x.fma(wi, i0);
            f0 = x.fma(wf, f0);
            g0 = x.fma(wg, g0);
            o0 = x.fma(wo, o0);
            x = FloatVector.broadcast(S, h[h1 + k]);
            i1 = x.fma(wi, i1);
            f1 = x.fma(wf, f1);
            g1 = x.fma(wg, g1);
            o1 = x.fma(wo, o1);
            x = FloatVector.broadcast(S, h[h2 + k]);
            i2 = x.fma(wi, i2);
            f2 = x.fma(wf, f2);
            g2 = x.fma(wg, g2);
            o2 = x.fma(wo, o2);
            x = FloatVector.broadcast(S, h[h3 + k]);
            i3 = x.fma(wi, i3);
            f3 = x.fma(wf, f3);
            g3 = x.fma(wg, g3);
            o3 = x.fma(wo, o3);
        }
        i0.intoArray(xp, x0);
        f0.intoArray(xp, x0 + hp);
        g0.intoArray(xp, x0 + 2 * hp);
        o0.intoArray(xp, x0 + 3 * hp);
        i1.intoArray(xp, x1);
        f1.intoArray(xp, x1 + hp);
        g1.intoArray(xp, x1 + 2 * hp);
        o1.intoArray(xp, x1 + 3 * hp);
        i2.intoArray(xp, x2);
        f2.intoArray(xp, x2 + hp);
        g2.intoArray(xp, x2 + 2 * hp);
        o2.intoArray(xp, x2 + 3 * hp);
        i3.intoArray(xp, x3);
        f3.intoArray(xp, x3 + hp);
        g3.intoArray(xp, x3 + 2 * hp);
        o3.intoArray(xp, x3 + 3 * hp);
    }

    /** One row of one unit block, the matrix-vector case: W_hh streamed once, 4 independent sums. */
    private static void lstmSums1(float[] h, int h0, PackedMatrix w, int b, float[] xp, int x0, int hp) {
        FloatVector gi = FloatVector.fromArray(S, xp, x0), gf = FloatVector.fromArray(S, xp, x0 + hp);
        FloatVector gg = FloatVector.fromArray(S, xp, x0 + 2 * hp), go = FloatVector.fromArray(S, xp, x0 + 3 * hp);
        float[] wd = w.data;
        int depth = w.depth;
        int base = w.panelOffset(b);
        for (int k = 0; k < depth; k++) {
            int bi = base + k * (4 * L);
            FloatVector x = FloatVector.broadcast(S, h[h0 + k]);
            gi = x.fma(FloatVector.fromArray(S, wd, bi), gi);
            gf = x.fma(FloatVector.fromArray(S, wd, bi + L), gf);
            gg = x.fma(FloatVector.fromArray(S, wd, bi + 2 * L), gg);
            go = x.fma(FloatVector.fromArray(S, wd, bi + 3 * L), go);
        }
        gi.intoArray(xp, x0);
        gf.intoArray(xp, x0 + hp);
        gg.intoArray(xp, x0 + 2 * hp);
        go.intoArray(xp, x0 + 3 * hp);
    }

    /** As {@link #lstmStep}: every block's sums, then the gates row by row. */
    @Override
    public void gruStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                        float[] bhn, float[] hn, int ldhn, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn) {
        int tiled = rows / 4 * 4;
        for (int b = b0; b < b1; b++) {
            int j = b * L;
            // No depth chunks here: with 3 gates a block's panel is smaller, and chunks measured slower.
            for (int r = 0; r < tiled; r += 4) {
                gruSums4(h, r * ldh, ldh, w, b, xp, xOff + r * ldx + j, ldx, hp, bhn, 2 * hp + j, hn, r * ldhn + j, ldhn);
            }
            for (int r = tiled; r < rows; r++) {
                if (valid[vOff + r]) {
                    gruSums1(h, r * ldh, w, b, xp, xOff + r * ldx + j, hp, bhn, 2 * hp + j, hn, r * ldhn + j);
                    if (tiled == 0) {
                        gruAfterProduct(xp, xOff + r * ldx, hp, hn, r * ldhn, h, r * ldh, out, r * ldo, j, j + L, fn);
                    }
                }
            }
        }
        for (int r = 0; r < rows && tiled > 0; r++) {
            if (valid[vOff + r]) {
                gruAfterProduct(xp, xOff + r * ldx, hp, hn, r * ldhn, h, r * ldh, out, r * ldo, b0 * L, b1 * L, fn);
            }
        }
    }

    /** Four rows of one unit block: 12 sums (4 rows x r, z from xp; W_hn h + b_hn into hn) in registers. */
    private static void gruSums4(float[] h, int h0, int ldh, PackedMatrix w, int b, float[] xp, int x0, int ldx, int hp,
                                 float[] bhn, int bn, float[] hn, int n0, int ldhn) {
        int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        FloatVector r0 = FloatVector.fromArray(S, xp, x0), z0 = FloatVector.fromArray(S, xp, x0 + hp);
        FloatVector r1 = FloatVector.fromArray(S, xp, x1), z1 = FloatVector.fromArray(S, xp, x1 + hp);
        FloatVector r2 = FloatVector.fromArray(S, xp, x2), z2 = FloatVector.fromArray(S, xp, x2 + hp);
        FloatVector r3 = FloatVector.fromArray(S, xp, x3), z3 = FloatVector.fromArray(S, xp, x3 + hp);
        FloatVector a0 = FloatVector.fromArray(S, bhn, bn), a1 = a0, a2 = a0, a3 = a0;
        float[] wd = w.data;
        int depth = w.depth;
        int base = w.panelOffset(b);
        int h1 = h0 + ldh, h2 = h1 + ldh, h3 = h2 + ldh;
        for (int k = 0; k < depth; k++) {
            int bi = base + k * (3 * L);
            FloatVector wr = FloatVector.fromArray(S, wd, bi);
            FloatVector wz = FloatVector.fromArray(S, wd, bi + L);
            FloatVector wn = FloatVector.fromArray(S, wd, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, h[h0 + k]);
            r0 = x.fma(wr, r0);
            z0 = x.fma(wz, z0);
            a0 = x.fma(wn, a0);
            x = FloatVector.broadcast(S, h[h1 + k]);
            r1 = x.fma(wr, r1);
            z1 = x.fma(wz, z1);
            a1 = x.fma(wn, a1);
            x = FloatVector.broadcast(S, h[h2 + k]);
            r2 = x.fma(wr, r2);
            z2 = x.fma(wz, z2);
            a2 = x.fma(wn, a2);
            x = FloatVector.broadcast(S, h[h3 + k]);
            r3 = x.fma(wr, r3);
            z3 = x.fma(wz, z3);
            a3 = x.fma(wn, a3);
        }
        r0.intoArray(xp, x0);
        z0.intoArray(xp, x0 + hp);
        a0.intoArray(hn, n0);
        r1.intoArray(xp, x1);
        z1.intoArray(xp, x1 + hp);
        a1.intoArray(hn, n0 + ldhn);
        r2.intoArray(xp, x2);
        z2.intoArray(xp, x2 + hp);
        a2.intoArray(hn, n0 + 2 * ldhn);
        r3.intoArray(xp, x3);
        z3.intoArray(xp, x3 + hp);
        a3.intoArray(hn, n0 + 3 * ldhn);
    }

    private static void gruSums1(float[] h, int h0, PackedMatrix w, int b, float[] xp, int x0, int hp,
                                 float[] bhn, int bn, float[] hn, int n0) {
        FloatVector gr = FloatVector.fromArray(S, xp, x0), gz = FloatVector.fromArray(S, xp, x0 + hp);
        FloatVector a = FloatVector.fromArray(S, bhn, bn);
        float[] wd = w.data;
        int depth = w.depth;
        int base = w.panelOffset(b);
        for (int k = 0; k < depth; k++) {
            int bi = base + k * (3 * L);
            FloatVector x = FloatVector.broadcast(S, h[h0 + k]);
            gr = x.fma(FloatVector.fromArray(S, wd, bi), gr);
            gz = x.fma(FloatVector.fromArray(S, wd, bi + L), gz);
            a = x.fma(FloatVector.fromArray(S, wd, bi + 2 * L), a);
        }
        gr.intoArray(xp, x0);
        gz.intoArray(xp, x0 + hp);
        a.intoArray(hn, n0);
    }

    /** g = f(clip(g)) in place on [off, off+n). */
    private static void gate(Activation f, GateFunctions fn, float[] g, int off, int n) {
        if (fn.hasClip()) {
            VectorMath.clip(fn.clip(), g, off, n);
        }
        VectorMath.apply(f, g, off, n);
    }

    /** y = a * b + y on n elements. */
    private static void fmaInto(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
    }

    /**
     * Gates in place in g: the pre-activations become i, f, g, o; the new c in place and h. Vectors
     * never cross a call here or in {@link VectorMath} (see there why).
     */
    @Override
    public void lstm(float[] g, int gOff, int hp, float[] c, int cOff, float[] peep, float[] h, int hOff,
                     int j0, int j1, GateFunctions fn) {
        int n = j1 - j0;
        int gi = gOff + j0;
        int gf = gi + hp;
        int gg = gi + 2 * hp;
        int go = gi + 3 * hp;
        int cj = cOff + j0;
        int hj = hOff + j0;
        if (peep != null) {
            fmaInto(peep, j0, c, cj, g, gi, n);
            fmaInto(peep, hp + j0, c, cj, g, gf, n);
        }
        gate(fn.f(), fn, g, gi, n);
        if (fn.inputForget()) {
            for (int k = 0; k < n; k += L) {
                FloatVector.broadcast(S, 1f).sub(FloatVector.fromArray(S, g, gi + k)).intoArray(g, gf + k);
            }
        } else {
            gate(fn.f(), fn, g, gf, n);
        }
        gate(fn.g(), fn, g, gg, n);
        for (int k = 0; k < n; k += L) {
            FloatVector cPrev = FloatVector.fromArray(S, c, cj + k);
            FloatVector i = FloatVector.fromArray(S, g, gi + k);
            FloatVector f = FloatVector.fromArray(S, g, gf + k);
            f.mul(cPrev).add(i.mul(FloatVector.fromArray(S, g, gg + k))).intoArray(c, cj + k);
        }
        if (peep != null) {
            fmaInto(peep, 2 * hp + j0, c, cj, g, go, n);
        }
        gate(fn.f(), fn, g, go, n);
        System.arraycopy(c, cj, h, hj, n);
        VectorMath.apply(fn.h(), h, hj, n);
        for (int k = 0; k < n; k += L) {
            FloatVector.fromArray(S, g, go + k).mul(FloatVector.fromArray(S, h, hj + k)).intoArray(h, hj + k);
        }
    }

    @Override
    public void gruAfterProduct(float[] g, int gOff, int hp, float[] hn, int hnOff, float[] hPrev, int pOff,
                                float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        int n = j1 - j0;
        int gr = gOff + j0;
        int gz = gr + hp;
        int gn = gr + 2 * hp;
        gate(fn.f(), fn, g, gr, n);
        gate(fn.f(), fn, g, gz, n);
        for (int k = 0; k < n; k += L) {
            FloatVector.fromArray(S, g, gr + k).fma(FloatVector.fromArray(S, hn, hnOff + j0 + k), FloatVector.fromArray(S, g, gn + k))
                    .intoArray(g, gn + k);
        }
        gate(fn.g(), fn, g, gn, n);
        blend(g, gz, gn, hPrev, pOff + j0, h, hOff + j0, n);
    }

    /** h = (1-z)*n + z*hPrev. */
    private static void blend(float[] g, int gz, int gn, float[] hPrev, int p, float[] h, int hj, int n) {
        for (int k = 0; k < n; k += L) {
            FloatVector z = FloatVector.fromArray(S, g, gz + k);
            FloatVector.broadcast(S, 1f).sub(z).mul(FloatVector.fromArray(S, g, gn + k))
                    .add(z.mul(FloatVector.fromArray(S, hPrev, p + k))).intoArray(h, hj + k);
        }
    }

    @Override
    public void gruResetHidden(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] rh, int rhOff,
                               int j0, int j1, GateFunctions fn) {
        int n = j1 - j0;
        int gr = gOff + j0;
        gate(fn.f(), fn, g, gr, n);
        for (int k = 0; k < n; k += L) {
            FloatVector.fromArray(S, g, gr + k).mul(FloatVector.fromArray(S, hPrev, pOff + j0 + k)).intoArray(rh, rhOff + j0 + k);
        }
        gate(fn.f(), fn, g, gr + hp, n);
    }

    @Override
    public void gruCandidate(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] h, int hOff,
                             int j0, int j1, GateFunctions fn) {
        int n = j1 - j0;
        int gz = gOff + hp + j0;
        gate(fn.g(), fn, g, gz + hp, n);
        blend(g, gz, gz + hp, hPrev, pOff + j0, h, hOff + j0, n);
    }

    @Override
    public void rnn(float[] g, int gOff, float[] h, int hOff, int j0, int j1, GateFunctions fn) {
        gate(fn.f(), fn, g, gOff + j0, j1 - j0);
        System.arraycopy(g, gOff + j0, h, hOff + j0, j1 - j0);
    }
}

package dev.rnnport.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StepProduct} with the Vector API. A panel of 8 vectors keeps 8 independent multiply-add
 * chains in registers: per input k one broadcast of v[k] and 8 contiguous loads, enough chains to
 * keep both FMA units busy while the weights stream from cache. Loaded by name only when the
 * jdk.incubator.vector module is present, like {@link VectorSimd}.
 */
final class VectorStepProduct implements StepProduct {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    @Override
    public void product(float[] v, int k0, int k1, StepMatrix m, int p0, int p1, float[] init, float[] out,
                        boolean descending) {
        if (!descending) {
            for (int p = p0; p < p1; p++) {
                if (pairs(m, p, p + 1, p1)) {
                    panels(v, k0, k1, m, p, p + 1, init, out);
                    p++;
                } else {
                    panel(v, k0, k1, m, p, init, out);
                }
            }
            return;
        }
        for (int p = p1 - 1; p >= p0; p--) {
            if (p - 1 >= p0 && pairs(m, p - 1, p, p1)) {
                panels(v, k0, k1, m, p - 1, p, init, out);
                p--;
            } else {
                panel(v, k0, k1, m, p, init, out);
            }
        }
    }

    /** Whether panels p and q (within [.., end)) are both 8 vectors wide: two weight streams in flight where a step reads from L3. */
    private static boolean pairs(StepMatrix m, int p, int q, int end) {
        return q < end && m.width[p] == 8 * L && m.width[q] == 8 * L;
    }

    private static void panels(float[] v, int k0, int k1, StepMatrix m, int p, int q, float[] init, float[] out) {
        panel8x2(v, k0, k1, m.data, m.offset[p] + k0 * 8 * L, m.offset[q] + k0 * 8 * L, init, out, m.column[p], m.column[q]);
    }

    private static void panel(float[] v, int k0, int k1, StepMatrix m, int p, float[] init, float[] out) {
        int col = m.column[p];
        int bi = m.offset[p] + k0 * m.width[p];
        switch (m.width[p] / L) {
            case 8 -> panel8(v, k0, k1, m.data, bi, init, out, col);
            case 4 -> panel4(v, k0, k1, m.data, bi, init, out, col);
            case 2 -> panel2(v, k0, k1, m.data, bi, init, out, col);
            default -> panel1(v, k0, k1, m.data, bi, init, out, col);
        }
    }

    private static FloatVector load(float[] init, int off) {
        return init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, off);
    }

    private static void panel8(float[] v, int k0, int k1, float[] w, int bi, float[] init, float[] out, int col) {
        FloatVector a0 = load(init, col), a1 = load(init, col + L), a2 = load(init, col + 2 * L), a3 = load(init, col + 3 * L);
        FloatVector a4 = load(init, col + 4 * L), a5 = load(init, col + 5 * L), a6 = load(init, col + 6 * L),
                a7 = load(init, col + 7 * L);
        for (int k = k0; k < k1; k++, bi += 8 * L) {
            FloatVector x = FloatVector.broadcast(S, v[k]);
            a0 = x.fma(FloatVector.fromArray(S, w, bi), a0);
            a1 = x.fma(FloatVector.fromArray(S, w, bi + L), a1);
            a2 = x.fma(FloatVector.fromArray(S, w, bi + 2 * L), a2);
            a3 = x.fma(FloatVector.fromArray(S, w, bi + 3 * L), a3);
            a4 = x.fma(FloatVector.fromArray(S, w, bi + 4 * L), a4);
            a5 = x.fma(FloatVector.fromArray(S, w, bi + 5 * L), a5);
            a6 = x.fma(FloatVector.fromArray(S, w, bi + 6 * L), a6);
            a7 = x.fma(FloatVector.fromArray(S, w, bi + 7 * L), a7);
        }
        a0.intoArray(out, col);
        a1.intoArray(out, col + L);
        a2.intoArray(out, col + 2 * L);
        a3.intoArray(out, col + 3 * L);
        a4.intoArray(out, col + 4 * L);
        a5.intoArray(out, col + 5 * L);
        a6.intoArray(out, col + 6 * L);
        a7.intoArray(out, col + 7 * L);
    }

    private static void panel8x2(float[] v, int k0, int k1, float[] w, int bi, int bj, float[] init, float[] out, int col,
                                 int colB) {
        FloatVector a0 = load(init, col), a1 = load(init, col + L), a2 = load(init, col + 2 * L), a3 = load(init, col + 3 * L);
        FloatVector a4 = load(init, col + 4 * L), a5 = load(init, col + 5 * L), a6 = load(init, col + 6 * L),
                a7 = load(init, col + 7 * L);
        FloatVector b0 = load(init, colB), b1 = load(init, colB + L), b2 = load(init, colB + 2 * L), b3 = load(init, colB + 3 * L);
        FloatVector b4 = load(init, colB + 4 * L), b5 = load(init, colB + 5 * L), b6 = load(init, colB + 6 * L),
                b7 = load(init, colB + 7 * L);
        for (int k = k0; k < k1; k++, bi += 8 * L, bj += 8 * L) {
            FloatVector x = FloatVector.broadcast(S, v[k]);
            a0 = x.fma(FloatVector.fromArray(S, w, bi), a0);
            b0 = x.fma(FloatVector.fromArray(S, w, bj), b0);
            a1 = x.fma(FloatVector.fromArray(S, w, bi + L), a1);
            b1 = x.fma(FloatVector.fromArray(S, w, bj + L), b1);
            a2 = x.fma(FloatVector.fromArray(S, w, bi + 2 * L), a2);
            b2 = x.fma(FloatVector.fromArray(S, w, bj + 2 * L), b2);
            a3 = x.fma(FloatVector.fromArray(S, w, bi + 3 * L), a3);
            b3 = x.fma(FloatVector.fromArray(S, w, bj + 3 * L), b3);
            a4 = x.fma(FloatVector.fromArray(S, w, bi + 4 * L), a4);
            b4 = x.fma(FloatVector.fromArray(S, w, bj + 4 * L), b4);
            a5 = x.fma(FloatVector.fromArray(S, w, bi + 5 * L), a5);
            b5 = x.fma(FloatVector.fromArray(S, w, bj + 5 * L), b5);
            a6 = x.fma(FloatVector.fromArray(S, w, bi + 6 * L), a6);
            b6 = x.fma(FloatVector.fromArray(S, w, bj + 6 * L), b6);
            a7 = x.fma(FloatVector.fromArray(S, w, bi + 7 * L), a7);
            b7 = x.fma(FloatVector.fromArray(S, w, bj + 7 * L), b7);
        }
        a0.intoArray(out, col);
        a1.intoArray(out, col + L);
        a2.intoArray(out, col + 2 * L);
        a3.intoArray(out, col + 3 * L);
        a4.intoArray(out, col + 4 * L);
        a5.intoArray(out, col + 5 * L);
        a6.intoArray(out, col + 6 * L);
        a7.intoArray(out, col + 7 * L);
        b0.intoArray(out, colB);
        b1.intoArray(out, colB + L);
        b2.intoArray(out, colB + 2 * L);
        b3.intoArray(out, colB + 3 * L);
        b4.intoArray(out, colB + 4 * L);
        b5.intoArray(out, colB + 5 * L);
        b6.intoArray(out, colB + 6 * L);
        b7.intoArray(out, colB + 7 * L);
    }

    private static void panel4(float[] v, int k0, int k1, float[] w, int bi, float[] init, float[] out, int col) {
        FloatVector a0 = load(init, col), a1 = load(init, col + L), a2 = load(init, col + 2 * L), a3 = load(init, col + 3 * L);
        for (int k = k0; k < k1; k++, bi += 4 * L) {
            FloatVector x = FloatVector.broadcast(S, v[k]);
            a0 = x.fma(FloatVector.fromArray(S, w, bi), a0);
            a1 = x.fma(FloatVector.fromArray(S, w, bi + L), a1);
            a2 = x.fma(FloatVector.fromArray(S, w, bi + 2 * L), a2);
            a3 = x.fma(FloatVector.fromArray(S, w, bi + 3 * L), a3);
        }
        a0.intoArray(out, col);
        a1.intoArray(out, col + L);
        a2.intoArray(out, col + 2 * L);
        a3.intoArray(out, col + 3 * L);
    }

    private static void panel2(float[] v, int k0, int k1, float[] w, int bi, float[] init, float[] out, int col) {
        FloatVector a0 = load(init, col), a1 = load(init, col + L);
        for (int k = k0; k < k1; k++, bi += 2 * L) {
            FloatVector x = FloatVector.broadcast(S, v[k]);
            a0 = x.fma(FloatVector.fromArray(S, w, bi), a0);
            a1 = x.fma(FloatVector.fromArray(S, w, bi + L), a1);
        }
        a0.intoArray(out, col);
        a1.intoArray(out, col + L);
    }

    private static void panel1(float[] v, int k0, int k1, float[] w, int bi, float[] init, float[] out, int col) {
        FloatVector a0 = load(init, col);
        for (int k = k0; k < k1; k++, bi += L) {
            a0 = FloatVector.broadcast(S, v[k]).fma(FloatVector.fromArray(S, w, bi), a0);
        }
        a0.intoArray(out, col);
    }
}

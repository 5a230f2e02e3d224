package dev.rnnport.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The vector sigmoid and tanh against float64 {@link Math#exp} and {@link Math#tanh} on every
 * float32 spacing of a dense grid over both saturated ends: the error bounds the class states,
 * outputs that never leave the function's range, exact limits, and NaN passed through.
 */
class VectorMathTest {
    private static final int LANES = VectorMath.S.length();

    @Test
    void sigmoidWithinItsBoundEverywhere() {
        float[] x = grid();
        float[] y = x.clone();
        VectorMath.sigmoid(y, 0, y.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = 1 / (1 + Math.exp(-(double) x[i]));
            worst = Math.max(worst, Math.abs(y[i] - exact));
            assertTrue(y[i] >= 0f && y[i] <= 1f, "sigmoid(" + x[i] + ") = " + y[i]);
        }
        assertTrue(worst < 1.7e-7, "max |sigmoid error| " + worst);
    }

    @Test
    void tanhWithinItsRelativeBoundEverywhereIncludingNearZero() {
        float[] x = grid();
        float[] y = x.clone();
        VectorMath.tanh(y, 0, y.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = Math.tanh(x[i]);
            if (exact != 0) {
                worst = Math.max(worst, Math.abs(y[i] - exact) / Math.abs(exact));
            } else {
                assertEquals(0f, y[i]);
            }
            assertTrue(y[i] >= -1f && y[i] <= 1f, "tanh(" + x[i] + ") = " + y[i]);
        }
        assertTrue(worst < 3.3e-7, "max relative tanh error " + worst);
    }

    @Test
    void saturatedEndsAreExactAndNaNPassesThrough() {
        float[] s = filled(-1e30f, -100f, 100f, Float.POSITIVE_INFINITY, Float.NaN);
        VectorMath.sigmoid(s, 0, s.length);
        float[] t = filled(-1e30f, -100f, 100f, Float.POSITIVE_INFINITY, Float.NaN);
        VectorMath.tanh(t, 0, t.length);
        float[] sigmoidLimits = {0f, 0f, 1f, 1f};
        float[] tanhLimits = {-1f, -1f, 1f, 1f};
        for (int i = 0; i < 4; i++) {
            assertEquals(sigmoidLimits[i], s[i], 1e-7f, "sigmoid at special value " + i);
            assertEquals(tanhLimits[i], t[i], "tanh at special value " + i);
        }
        assertTrue(Float.isNaN(s[4]) && Float.isNaN(t[4]), "NaN in gives NaN out");
    }

    /** -30 to 30 in steps of 1/4096, plus tiny magnitudes down to 1e-30, padded to whole vectors. */
    private static float[] grid() {
        int n = 60 * 4096 + 1;
        int tiny = 62;
        float[] x = new float[roundUp(n + tiny)];
        for (int i = 0; i < n; i++) {
            x[i] = -30f + i / 4096f;
        }
        for (int i = 0; i < tiny; i++) {
            x[n + i] = (i % 2 == 0 ? 1 : -1) * (float) Math.pow(10, -i / 2);
        }
        return x;
    }

    /** The values, then the last one repeated to fill whole vectors. */
    private static float[] filled(float... values) {
        float[] x = new float[roundUp(values.length)];
        java.util.Arrays.fill(x, values[values.length - 1]);
        System.arraycopy(values, 0, x, 0, values.length);
        return x;
    }

    private static int roundUp(int n) {
        return (n + LANES - 1) / LANES * LANES;
    }
}

package dev.rnnport.jmh;

import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * The check every benchmark makes in its set-up: the native engine and ONNX Runtime must compute
 * the same values, so that a broken set-up (wrong weights, wrong layout, a stale state) fails
 * instead of producing times for different work.
 */
final class Agreement {
    /** Largest difference allowed: float32 rounding of a 100-step sequence stays well below it. */
    static final double TOLERANCE = 1e-4;

    private Agreement() {
    }

    static void require(String what, RunOutputs nativeOut, RunOutputs ortOut) {
        require(what + " output", nativeOut.output(), ortOut.output());
        require(what + " h_n", nativeOut.hN(), ortOut.hN());
        require(what + " c_n", nativeOut.cN(), ortOut.cN());
    }

    private static void require(String what, Tensor a, Tensor b) {
        if (a == null && b == null) {
            return;
        }
        if (a == null || b == null || !Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException(what + ": native gives " + shape(a) + ", ONNX Runtime " + shape(b));
        }
        require(what, a.toFloatArray(), b.toFloatArray());
    }

    static void require(String what, float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException(what + ": native gives " + a.length + " values, ONNX Runtime " + b.length);
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        // Written so that NaN fails too.
        if (!(worst <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: native and ONNX Runtime differ by %.3e (allowed %.0e); not timing different work", what, worst, TOLERANCE));
        }
    }

    private static String shape(Tensor t) {
        return t == null ? "nothing" : t.shapeString();
    }
}

package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gate activations in place on runs of a float array, whole vectors at a time. Sigmoid and tanh
 * are the rational approximations Eigen uses (and ONNX Runtime's MLAS after it): an odd polynomial
 * over an even one on a clamped input, |error| below 1.7e-7 (sigmoid) and a relative error below
 * 3.3e-7 (tanh, also near zero, where 1 - 2/(e^2x + 1) would cancel). They take multiply-adds, one
 * division and a clamp, nothing else: no exponent bits, so no reinterpretation between float and
 * int vectors, which costs little once C2 has compiled a loop but dominates a short run's start,
 * while the code still runs in the interpreter and C1.
 *
 * <p>Every method takes and returns arrays, never a vector: a vector that crosses a call the JIT
 * did not inline is boxed on the heap. HotSpot does not inline a callee whose compiled code is
 * already large (InlineSmallCode), and a vector helper called from code still running in the
 * interpreter or C1 gets compiled on its own first; a per-vector helper such as tanh(FloatVector)
 * then stays a boxing call for the life of the JVM (seen with -XX:+PrintInlining: "too big").
 * With arrays in between, each loop below is compiled whole and a call costs a few nanoseconds.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Beyond +-18 sigmoid is 0 or 1 in float32; beyond +-9 tanh is +-1. */
    private static final float SIGMOID_RANGE = 18f;
    private static final float TANH_RANGE = 9f;
    // sigmoid(x) - 1/2 = x * (a1 + a3 x^2 + ... + a9 x^8) / (b0 + b2 x^2 + ... + b10 x^10)
    private static final float SA1 = 2.48287947061529e-01f;
    private static final float SA3 = 8.51377133304701e-03f;
    private static final float SA5 = 6.08574864600143e-05f;
    private static final float SA7 = 1.15627324459942e-07f;
    private static final float SA9 = 4.37031012579801e-11f;
    private static final float SB0 = 9.93151921023180e-01f;
    private static final float SB2 = 1.16817656904453e-01f;
    private static final float SB4 = 1.70198817374094e-03f;
    private static final float SB6 = 6.29106785017040e-06f;
    private static final float SB8 = 5.76102136993427e-09f;
    private static final float SB10 = 6.10247389755681e-13f;
    // tanh(x) = x * (a1 + a3 x^2 + ... + a13 x^12) / (b0 + b2 x^2 + b4 x^4 + b6 x^6)
    private static final float TA1 = 4.89352455891786e-03f;
    private static final float TA3 = 6.37261928875436e-04f;
    private static final float TA5 = 1.48572235717979e-05f;
    private static final float TA7 = 5.12229709037114e-08f;
    private static final float TA9 = -8.60467152213735e-11f;
    private static final float TA11 = 2.00018790482477e-13f;
    private static final float TA13 = -2.76076847742355e-16f;
    private static final float TB0 = 4.89352518554385e-03f;
    private static final float TB2 = 2.26843463243900e-03f;
    private static final float TB4 = 1.18534705686654e-04f;
    private static final float TB6 = 1.19825839466702e-06f;

    private VectorMath() {
    }

    /** x[off, off+n) = a(x), n a multiple of the vector length. */
    static void apply(Activation a, float[] x, int off, int n) {
        switch (a.kind()) {
            case SIGMOID -> sigmoid(x, off, n);
            case TANH -> tanh(x, off, n);
            case RELU -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector.fromArray(S, x, i).max(0f).intoArray(x, i);
                }
            }
            default -> rare(a, x, off, n);
        }
    }

    /** x = min(max(x, -limit), limit). */
    static void clip(float limit, float[] x, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector.fromArray(S, x, i).max(-limit).min(limit).intoArray(x, i);
        }
    }

    /** 1/(1 + e^-x), within 1.7e-7, in [0, 1]. */
    static void sigmoid(float[] a, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i).max(-SIGMOID_RANGE).min(SIGMOID_RANGE);
            FloatVector x2 = x.mul(x);
            FloatVector p = x2.fma(FloatVector.broadcast(S, SA9), FloatVector.broadcast(S, SA7));
            p = x2.fma(p, FloatVector.broadcast(S, SA5));
            p = x2.fma(p, FloatVector.broadcast(S, SA3));
            p = x2.fma(p, FloatVector.broadcast(S, SA1));
            FloatVector q = x2.fma(FloatVector.broadcast(S, SB10), FloatVector.broadcast(S, SB8));
            q = x2.fma(q, FloatVector.broadcast(S, SB6));
            q = x2.fma(q, FloatVector.broadcast(S, SB4));
            q = x2.fma(q, FloatVector.broadcast(S, SB2));
            q = x2.fma(q, FloatVector.broadcast(S, SB0));
            x.mul(p).div(q).add(0.5f).max(0f).min(1f).intoArray(a, i);
        }
    }

    /** tanh(x), relative error below 3.3e-7, in [-1, 1]. */
    static void tanh(float[] a, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i).max(-TANH_RANGE).min(TANH_RANGE);
            FloatVector x2 = x.mul(x);
            FloatVector p = x2.fma(FloatVector.broadcast(S, TA13), FloatVector.broadcast(S, TA11));
            p = x2.fma(p, FloatVector.broadcast(S, TA9));
            p = x2.fma(p, FloatVector.broadcast(S, TA7));
            p = x2.fma(p, FloatVector.broadcast(S, TA5));
            p = x2.fma(p, FloatVector.broadcast(S, TA3));
            p = x2.fma(p, FloatVector.broadcast(S, TA1));
            FloatVector q = x2.fma(FloatVector.broadcast(S, TB6), FloatVector.broadcast(S, TB4));
            q = x2.fma(q, FloatVector.broadcast(S, TB2));
            q = x2.fma(q, FloatVector.broadcast(S, TB0));
            x.mul(p).div(q).max(-1f).min(1f).intoArray(a, i);
        }
    }

    /** The rest of ONNX's activations as the reference defines them. */
    private static void rare(Activation a, float[] x, int off, int n) {
        float alpha = (float) a.alpha();
        float beta = (float) a.beta();
        switch (a.kind()) {
            case SCALED_TANH -> {
                scale(beta, x, off, n);
                tanh(x, off, n);
                scale(alpha, x, off, n);
            }
            case HARD_SIGMOID, AFFINE, LEAKY_RELU, THRESHOLDED_RELU, SOFTSIGN -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector y = switch (a.kind()) {
                        case HARD_SIGMOID -> v.fma(FloatVector.broadcast(S, alpha), FloatVector.broadcast(S, beta)).max(0f).min(1f);
                        case AFFINE -> v.fma(FloatVector.broadcast(S, alpha), FloatVector.broadcast(S, beta));
                        case LEAKY_RELU -> v.blend(v.mul(alpha), v.lt(0f));
                        case THRESHOLDED_RELU -> FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, alpha));
                        default -> v.div(v.abs().add(1f));
                    };
                    y.intoArray(x, i);
                }
            }
            // ELU and Softplus element by element through the reference definition: rare enough not to matter.
            default -> {
                for (int i = off; i < off + n; i++) {
                    x[i] = (float) a.apply(x[i]);
                }
            }
        }
    }

    private static void scale(float s, float[] x, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector.fromArray(S, x, i).mul(s).intoArray(x, i);
        }
    }
}

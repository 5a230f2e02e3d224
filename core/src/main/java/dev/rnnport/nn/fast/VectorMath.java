package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gate activations in place on runs of a float array, whole vectors at a time. exp is computed
 * here rather than with VectorOperators.EXP, whose speed depends on the JDK build: 2^n by exponent
 * bits times a degree-6 polynomial on [-ln2/2, ln2/2], relative error below 1e-7 over the clamped
 * range.
 *
 * <p>Every method takes and returns arrays, never a vector: a vector that crosses a call the JIT
 * did not inline is boxed on the heap. HotSpot does not inline a callee whose compiled code is
 * already large (InlineSmallCode), and a vector helper called from code still running in the
 * interpreter or C1 gets compiled on its own first; a per-vector helper such as exp(FloatVector)
 * then stays a boxing call for the life of the JVM (seen with -XX:+PrintInlining: "too big").
 * With arrays in between, each loop below is compiled whole and a call costs a few nanoseconds.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

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

    /** 1/(1 + e^-x). */
    static void sigmoid(float[] x, int off, int n) {
        exp(-1f, x, off, n);
        for (int i = off; i < off + n; i += L) {
            FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, x, i).add(1f)).intoArray(x, i);
        }
    }

    /** 1 - 2/(e^2x + 1): exact limits at both ends, absolute error about 1e-7 near zero. */
    static void tanh(float[] x, int off, int n) {
        exp(2f, x, off, n);
        for (int i = off; i < off + n; i += L) {
            FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(FloatVector.fromArray(S, x, i).add(1f)))
                    .intoArray(x, i);
        }
    }

    /** x = e^(scale*x); scale -1 or 2, so that scale*x is exact. */
    private static void exp(float scale, float[] a, int off, int n) {
        for (int i = off; i < off + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i).mul(scale).max(-87.0f).min(88.0f);
            FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
            IntVector e = (IntVector) t.reinterpretAsInts().sub(ROUNDER_BITS);
            FloatVector nf = t.sub(ROUNDER);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), x);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1f / 720f);
            p = p.fma(r, FloatVector.broadcast(S, 1f / 120f));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 24f));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 6f));
            p = p.fma(r, FloatVector.broadcast(S, 0.5f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            IntVector scaled = (IntVector) p.reinterpretAsInts().add(e.lanewise(VectorOperators.LSHL, 23));
            scaled.reinterpretAsFloats().intoArray(a, i);
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

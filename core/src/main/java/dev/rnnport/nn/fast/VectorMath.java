package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gate activations on whole vectors. exp is computed here rather than with
 * VectorOperators.EXP, whose speed depends on the JDK build: 2^n by exponent bits times a degree-6
 * polynomial on [-ln2/2, ln2/2], relative error below 1e-7 over the clamped range.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    private VectorMath() {
    }

    static FloatVector exp(FloatVector x) {
        x = x.max(-87.0f).min(88.0f);
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        IntVector n = (IntVector) t.reinterpretAsInts().sub(ROUNDER_BITS);
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
        IntVector scaled = (IntVector) p.reinterpretAsInts().add(n.lanewise(VectorOperators.LSHL, 23));
        return scaled.reinterpretAsFloats();
    }

    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** 1 - 2/(e^2x + 1): exact limits at both ends, absolute error about 1e-7 near zero. */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.add(x));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /** Any of ONNX's activations; the common three first, the rest as the reference defines them. */
    static FloatVector apply(Activation a, FloatVector x) {
        return switch (a.kind()) {
            case SIGMOID -> sigmoid(x);
            case TANH -> tanh(x);
            case RELU -> x.max(0f);
            default -> rare(a, x);
        };
    }

    private static FloatVector rare(Activation a, FloatVector x) {
        float alpha = (float) a.alpha();
        float beta = (float) a.beta();
        return switch (a.kind()) {
            case HARD_SIGMOID -> x.fma(FloatVector.broadcast(S, alpha), FloatVector.broadcast(S, beta)).max(0f).min(1f);
            case AFFINE -> x.fma(FloatVector.broadcast(S, alpha), FloatVector.broadcast(S, beta));
            case LEAKY_RELU -> x.blend(x.mul(alpha), x.lt(0f));
            case THRESHOLDED_RELU -> FloatVector.zero(S).blend(x, x.compare(VectorOperators.GT, alpha));
            case SCALED_TANH -> tanh(x.mul(beta)).mul(alpha);
            case SOFTSIGN -> x.div(x.abs().add(1f));
            default -> lanes(a, x);
        };
    }

    /** ELU and Softplus lane by lane through the reference definition: rare enough not to matter. */
    private static FloatVector lanes(Activation a, FloatVector x) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) a.apply(v[i]);
        }
        return FloatVector.fromArray(S, v, 0);
    }
}

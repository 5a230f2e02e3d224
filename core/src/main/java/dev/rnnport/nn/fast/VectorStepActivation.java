package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StepActivation} with the Vector API: one small loop per common activation, each small
 * enough for the JIT to inline {@link VectorMath}'s function whole and keep its vectors in
 * registers; the rarer activations go lane by lane through the reference definition.
 */
final class VectorStepActivation implements StepActivation {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();
    private static final StepActivation SCALAR = new ScalarStepActivation();

    @Override
    public void apply(Activation a, float[] v, int from, int to, boolean clip, float bound) {
        switch (a.kind()) {
            case SIGMOID -> sigmoid(v, from, to, clip, bound);
            case TANH -> tanh(v, from, to, clip, bound);
            case RELU -> relu(v, from, to, clip, bound);
            default -> SCALAR.apply(a, v, from, to, clip, bound);
        }
    }

    private static void sigmoid(float[] v, int from, int to, boolean clip, float bound) {
        for (int j = from; j < to; j += L) {
            FloatVector x = FloatVector.fromArray(S, v, j);
            if (clip) {
                x = x.max(-bound).min(bound);
            }
            VectorMath.sigmoid(x).intoArray(v, j);
        }
    }

    private static void tanh(float[] v, int from, int to, boolean clip, float bound) {
        for (int j = from; j < to; j += L) {
            FloatVector x = FloatVector.fromArray(S, v, j);
            if (clip) {
                x = x.max(-bound).min(bound);
            }
            VectorMath.tanh(x).intoArray(v, j);
        }
    }

    private static void relu(float[] v, int from, int to, boolean clip, float bound) {
        for (int j = from; j < to; j += L) {
            FloatVector x = FloatVector.fromArray(S, v, j);
            if (clip) {
                x = x.max(-bound).min(bound);
            }
            x.max(0f).intoArray(v, j);
        }
    }
}

package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;

/** {@link StepActivation} in plain Java: the activation in double, rounded to float, as the reference kernel does. */
final class ScalarStepActivation implements StepActivation {
    @Override
    public void apply(Activation a, float[] v, int from, int to, boolean clip, float bound) {
        for (int j = from; j < to; j++) {
            float x = clip ? Math.max(-bound, Math.min(bound, v[j])) : v[j];
            v[j] = (float) a.apply(x);
        }
    }
}

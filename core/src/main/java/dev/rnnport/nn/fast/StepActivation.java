package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;

/**
 * A gate activation applied in place to a range of a float array, optionally after ONNX's clip:
 * {@link VectorStepActivation} with the Vector API, {@link ScalarStepActivation} in plain Java.
 * The step kernel applies each activation to a whole gate block in one call, so that vectors never
 * cross a method boundary the JIT might not inline (a vector that does is allocated as an object).
 */
interface StepActivation {
    /**
     * {@code v[j] = a(clip(v[j]))} for j in [from, to), both multiples of the vector length.
     *
     * @param clip whether to bound the value to [−bound, bound] first
     */
    void apply(Activation a, float[] v, int from, int to, boolean clip, float bound);
}

package dev.rnnport.nn;

import dev.rnnport.ModelException;

/**
 * How a network treats steps that are not valid, and where such steps come from beyond the
 * lengths or mask a caller gives with {@link RunInputs}.
 *
 * @param steps     what an invalid step outputs (the state never changes there)
 * @param maskValue a Keras {@code Masking(mask_value)} in front of the network: a step whose input
 *                  features all equal it is masked; null when the network has no such layer
 */
public record Masking(MaskedSteps steps, Double maskValue) {
    /** PyTorch's and ONNX's convention, with no masking layer: zeros past a sequence's end. */
    public static final Masking ZEROS = new Masking(MaskedSteps.ZERO_OUTPUT, null);
    /** Keras's convention without a Masking layer (masks come only from the caller). */
    public static final Masking KERAS = new Masking(MaskedSteps.CARRY_OUTPUT, null);

    public Masking {
        if (steps == null) {
            throw new ModelException("masking needs a convention for masked steps");
        }
        if (maskValue != null && maskValue.isNaN()) {
            throw new ModelException("a mask value of NaN would never match any input (NaN equals nothing)");
        }
    }

    /** Keras semantics behind a {@code Masking(mask_value)} layer. */
    public static Masking kerasMaskValue(double maskValue) {
        return new Masking(MaskedSteps.CARRY_OUTPUT, maskValue);
    }

    /** True when this is PyTorch's convention with no masking layer: what .pt, safetensors and ONNX hold. */
    public boolean isPyTorchLike() {
        return steps == MaskedSteps.ZERO_OUTPUT && maskValue == null;
    }

    @Override
    public String toString() {
        return (steps == MaskedSteps.ZERO_OUTPUT ? "zeros at masked steps" : "carry output at masked steps")
                + (maskValue == null ? "" : ", mask_value=" + maskValue);
    }
}

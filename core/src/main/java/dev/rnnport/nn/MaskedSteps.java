package dev.rnnport.nn;

/**
 * What a direction does at a step that is not valid for a sequence: past its length, or masked.
 * The state is left unchanged either way; the two conventions differ in what is output there.
 */
public enum MaskedSteps {
    /**
     * The output is zero: PyTorch's packed sequences (padded back) and ONNX's {@code sequence_lens}.
     * Only a padded tail can be expressed in those formats; a mask may still sit anywhere here.
     */
    ZERO_OUTPUT,
    /**
     * The output repeats the direction's previous output in processing order, zeros before its first
     * valid step: Keras ({@code output = where(mask, output, prev_output)}, prev_output starting at
     * zeros). A mask may sit anywhere, not only at the end.
     */
    CARRY_OUTPUT
}

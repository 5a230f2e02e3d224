package dev.rnnport.format.onnx;

import dev.rnnport.UsageException;

/**
 * The opsets the writer targets and what each needs: the IR version that carries it (from ONNX's
 * versioning table), and where operators moved arguments from attributes to inputs.
 */
final class OnnxOpsets {
    static final int DEFAULT = 14;
    static final int MIN = 7;
    static final int MAX = 22;
    /** IR version for opsets 7 to 22 (ONNX docs/Versioning.md). */
    private static final int[] IR_VERSION = {3, 3, 4, 5, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 10, 10};

    private OnnxOpsets() {
    }

    static int choose(int requested) {
        int opset = requested == 0 ? DEFAULT : requested;
        if (opset < MIN || opset > MAX) {
            throw new UsageException("ONNX opset " + requested + " is not supported, expected " + MIN + " to " + MAX
                    + " (LSTM/GRU/RNN-7 and later)");
        }
        return opset;
    }

    static int irVersion(int opset) {
        return IR_VERSION[opset - MIN];
    }

    /** Before IR version 4 every initializer must also be declared as a graph input. */
    static boolean initializersAreInputs(int opset) {
        return irVersion(opset) < 4;
    }

    /** Squeeze and Unsqueeze take their axes as an input from opset 13, as an attribute before. */
    static boolean axesAsInput(int opset) {
        return opset >= 13;
    }

    /** Slice takes starts, ends and axes as inputs from opset 10, as attributes before. */
    static boolean sliceAsInputs(int opset) {
        return opset >= 10;
    }
}

package dev.rnnport.format;

import dev.rnnport.tensor.DType;

/**
 * Choices a writer may need.
 *
 * @param opset        the ONNX opset (0 = the writer's default)
 * @param externalData ONNX: keep the weights in a data file beside the model (ONNX's external
 *                     data), as models past 2 GB must; the ONNX writer also does so by itself
 *                     when the weights exceed 1 GB
 * @param dtype        element type of the written weights, F32 or F64; null for the writer's
 *                     default (ONNX: float32, which rounds a float64 network)
 */
public record WriteOptions(int opset, boolean externalData, DType dtype) {
    public static final WriteOptions DEFAULTS = new WriteOptions(0);

    public WriteOptions {
        if (dtype != null && dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("weights are written as float32 or float64, not " + dtype);
        }
    }

    /** The defaults with another opset. */
    public WriteOptions(int opset) {
        this(opset, false, null);
    }
}

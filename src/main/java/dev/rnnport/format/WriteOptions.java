package dev.rnnport.format;

/**
 * Choices a writer may need. {@code opset} is the ONNX opset (0 = the writer's default).
 */
public record WriteOptions(int opset) {
    public static final WriteOptions DEFAULTS = new WriteOptions(0);
}

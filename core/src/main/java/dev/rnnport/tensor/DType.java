package dev.rnnport.tensor;

/** Element types that the formats store; {@link Tensor} keeps values as doubles whatever the type. */
public enum DType {
    F16(2), BF16(2), F32(4), F64(8), I8(1), U8(1), I16(2), I32(4), I64(8), BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }
}

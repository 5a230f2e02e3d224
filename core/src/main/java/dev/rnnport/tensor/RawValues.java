package dev.rnnport.tensor;

import java.nio.ByteBuffer;

/** Binary element encodings shared by the file formats: IEEE half, bfloat16, floats and integers. */
public final class RawValues {
    private RawValues() {
    }

    /** Reads {@code count} elements of {@code dtype} from {@code b} (its byte order applies). */
    public static double[] decode(ByteBuffer b, DType dtype, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (dtype) {
                case F32 -> b.getFloat();
                case F64 -> b.getDouble();
                case F16 -> halfToFloat(b.getShort());
                case BF16 -> bfloat16ToFloat(b.getShort());
                case I8 -> b.get();
                case U8 -> b.get() & 0xff;
                case BOOL -> b.get() != 0 ? 1 : 0;
                case I16 -> b.getShort();
                case I32 -> b.getInt();
                case I64 -> b.getLong();
            };
        }
        return out;
    }

    /**
     * Reads {@code count} float32 values from {@code b} (its byte order applies) in one bulk copy:
     * reading a model or an input then costs no per-value loop, which matters in a short-lived JVM
     * where such a loop runs in the interpreter.
     */
    public static float[] decodeFloats(ByteBuffer b, int count) {
        float[] out = new float[count];
        b.asFloatBuffer().get(out);
        b.position(b.position() + 4 * count);
        return out;
    }

    /** Writes every value as {@code dtype} (F32, F64, I32 or I64) into {@code b}. */
    public static void encode(ByteBuffer b, double[] values, DType dtype) {
        for (double v : values) {
            encode(b, v, dtype);
        }
    }

    /** Writes one value as {@code dtype} (F32, F64, I32 or I64) into {@code b}. */
    public static void encode(ByteBuffer b, double v, DType dtype) {
        switch (dtype) {
            case F32 -> b.putFloat((float) v);
            case F64 -> b.putDouble(v);
            case I32 -> b.putInt((int) v);
            case I64 -> b.putLong((long) v);
            default -> throw new IllegalArgumentException("cannot encode " + dtype);
        }
    }

    /** bfloat16 is the upper half of a float's bits. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The IEEE 754 binary16 nearest to {@code f} (ties to even), overflowing to infinity; NaN stays NaN. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        int half;
        if (abs >= 0x7f800000) {
            half = 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0);
        } else if (abs >= 0x477ff000) {
            half = 0x7c00;
        } else if (abs < 0x38800000) {
            half = (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24);
        } else {
            int mant = abs & 0x7fffff;
            half = (((abs >>> 23) - 112) << 10) | (mant >>> 13);
            int rest = mant & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
                half++;
            }
        }
        return (short) (sign | half);
    }

    /** IEEE 754 binary16 to float, including subnormals, infinities and NaN. */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits >>> 15) << 31;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}

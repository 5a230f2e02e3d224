package dev.rnnport.backend.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Tensor;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Locale;

/** Copies between our {@link Tensor} and ONNX Runtime tensors. The caller closes what it creates. */
final class OrtTensors {
    private OrtTensors() {
    }

    /** Element types a recurrent graph's inputs and outputs use; anything else is refused by name. */
    static boolean supported(OnnxJavaType type) {
        return type == OnnxJavaType.FLOAT || type == OnnxJavaType.DOUBLE || type == OnnxJavaType.FLOAT16
                || type == OnnxJavaType.INT32 || type == OnnxJavaType.INT64;
    }

    /** A new native tensor holding {@code t}'s values converted to {@code type}. */
    static OnnxTensor create(Tensor t, OnnxJavaType type) throws OrtException {
        long[] shape = longs(t.shape());
        double[] v = t.data();
        switch (type) {
            case FLOAT -> {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                return OnnxTensor.createTensor(OrtEnv.get(), FloatBuffer.wrap(f), shape);
            }
            case DOUBLE -> {
                return OnnxTensor.createTensor(OrtEnv.get(), DoubleBuffer.wrap(v.clone()), shape);
            }
            case FLOAT16 -> {
                short[] h = new short[v.length];
                for (int i = 0; i < v.length; i++) {
                    h[i] = RawValues.floatToHalf((float) v[i]);
                }
                return OnnxTensor.createTensor(OrtEnv.get(), ShortBuffer.wrap(h), shape, OnnxJavaType.FLOAT16);
            }
            case INT32 -> {
                int[] n = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    n[i] = Math.toIntExact(Math.round(v[i]));
                }
                return OnnxTensor.createTensor(OrtEnv.get(), IntBuffer.wrap(n), shape);
            }
            case INT64 -> {
                long[] n = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    n[i] = Math.round(v[i]);
                }
                return OnnxTensor.createTensor(OrtEnv.get(), LongBuffer.wrap(n), shape);
            }
            default -> throw new dev.rnnport.ModelException(dev.rnnport.RnnportException.Kind.UNSUPPORTED,
                    "a graph input of element type " + type + " cannot be fed from a NumPy array by this backend");
        }
    }

    /** Copies a result out of native memory; {@code name} is for the error message. */
    static Tensor read(OnnxValue value, String name) {
        if (!(value instanceof OnnxTensor t)) {
            throw new ModelException("graph output '" + name + "' is a " + value.getType() + ", expected a tensor");
        }
        TensorInfo info = t.getInfo();
        int[] shape = ints(info.getShape());
        return switch (info.type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i);
                }
                yield Tensor.of(DType.F32, shape, d);
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] d = new double[b.remaining()];
                b.get(d);
                yield Tensor.of(DType.F64, shape, d);
            }
            case FLOAT16 -> {
                ShortBuffer b = t.getShortBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = RawValues.halfToFloat(b.get(i));
                }
                yield Tensor.of(DType.F16, shape, d);
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i);
                }
                yield Tensor.of(DType.I32, shape, d);
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                double[] d = new double[b.remaining()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = b.get(i);
                }
                yield Tensor.of(DType.I64, shape, d);
            }
            default -> throw new ModelException("graph output '" + name + "' has element type " + info.type
                    + ", expected float, double, float16, int32 or int64");
        };
    }

    static long[] longs(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return l;
    }

    static int[] ints(long[] shape) {
        int[] s = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return s;
    }

    /** The ONNX name of an element type, as a user reads it in the graph: float, double, int64. */
    static String typeName(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case FLOAT16 -> "float16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}

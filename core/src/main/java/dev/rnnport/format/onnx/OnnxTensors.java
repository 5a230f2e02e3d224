package dev.rnnport.format.onnx;

import com.google.protobuf.ByteString;
import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * TensorProto to {@link Tensor} and back. ONNX stores values either as little-endian
 * {@code raw_data} or in the typed field of the element type (float_data, double_data, int32_data
 * for every type of 16 bits or less, float16 as its bits, int64_data, uint64_data).
 */
public final class OnnxTensors {
    private OnnxTensors() {
    }

    /** The values of {@code t}; {@code what} names it in errors (e.g. "initializer 'W'"). External values are refused. */
    public static Tensor toTensor(TensorProto t, String what) {
        return toTensor(t, what, ExternalData.NONE);
    }

    /** The values of {@code t}, reading values kept in an external file through {@code external}. */
    public static Tensor toTensor(TensorProto t, String what, ExternalData external) {
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelException(what + " has dimension " + i + " of size " + d + ", expected 0 to " + Integer.MAX_VALUE);
            }
            shape[i] = (int) d;
        }
        long count;
        try {
            count = Shapes.size(shape);
        } catch (ArithmeticException e) {
            throw new ModelException(what + " has shape " + Shapes.format(shape) + ", too large");
        }
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        DType dtype = dtype(type, what);
        double[] values;
        boolean isExternal = ExternalData.isExternal(t);
        if (isExternal || t.hasRawData()) {
            int width = width(type);
            ByteBuffer b;
            if (isExternal) {
                b = external.bytes(t, what, count * width);
            } else {
                ByteString raw = t.getRawData();
                if (raw.size() != count * width) {
                    throw new ModelException(what + " of shape " + Shapes.format(shape) + " and type " + type + " needs "
                            + count * width + " bytes of raw_data, found " + raw.size());
                }
                b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
            if (type == TensorProto.DataType.FLOAT) {
                return Tensor.ofFloats(shape, RawValues.decodeFloats(b, (int) count));
            }
            values = switch (type) {
                case UINT16 -> unsigned16(b, (int) count);
                case UINT32 -> unsigned32(b, (int) count);
                case UINT64 -> RawValues.decode(b, DType.I64, (int) count);
                default -> RawValues.decode(b, dtype, (int) count);
            };
        } else {
            values = typed(t, type, what);
            if (values.length != count) {
                throw new ModelException(what + " of shape " + Shapes.format(shape) + " needs " + count
                        + " values, found " + values.length);
            }
        }
        return Tensor.of(dtype, shape, values);
    }

    private static double[] unsigned16(ByteBuffer b, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = b.getShort() & 0xffff;
        }
        return v;
    }

    private static double[] unsigned32(ByteBuffer b, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = b.getInt() & 0xffffffffL;
        }
        return v;
    }

    private static double[] typed(TensorProto t, TensorProto.DataType type, String what) {
        return switch (type) {
            case FLOAT -> t.getFloatDataList().stream().mapToDouble(Float::doubleValue).toArray();
            case DOUBLE -> t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
            case INT64 -> t.getInt64DataList().stream().mapToDouble(Long::doubleValue).toArray();
            case UINT32, UINT64 -> t.getUint64DataList().stream().mapToDouble(Long::doubleValue).toArray();
            case FLOAT16 -> t.getInt32DataList().stream().mapToDouble(v -> RawValues.halfToFloat((short) (int) v)).toArray();
            case BFLOAT16 -> t.getInt32DataList().stream().mapToDouble(v -> RawValues.bfloat16ToFloat((short) (int) v)).toArray();
            case UINT16 -> t.getInt32DataList().stream().mapToDouble(v -> v & 0xffff).toArray();
            case INT32, INT16, INT8, UINT8, BOOL -> t.getInt32DataList().stream().mapToDouble(Integer::doubleValue).toArray();
            default -> throw unsupported(type, what);
        };
    }

    static DType dtype(TensorProto.DataType type, String what) {
        if (type == null) {
            throw new ModelException(what + " has an unknown data_type");
        }
        return switch (type) {
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case INT8 -> DType.I8;
            case UINT8 -> DType.U8;
            case INT16 -> DType.I16;
            case UINT16, INT32 -> DType.I32;
            case UINT32, INT64, UINT64 -> DType.I64;
            case BOOL -> DType.BOOL;
            default -> throw unsupported(type, what);
        };
    }

    private static int width(TensorProto.DataType type) {
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            default -> 1;
        };
    }

    private static ModelException unsupported(TensorProto.DataType type, String what) {
        return new ModelException(what + " has data_type " + type + ", expected a number type"
                + " (FLOAT, DOUBLE, FLOAT16, BFLOAT16 or an integer)");
    }

    /** {@code t} as a TensorProto of {@code elementType} (FLOAT, DOUBLE or INT64) in raw_data. */
    public static TensorProto toProto(String name, Tensor t, int elementType) {
        DType enc = switch (elementType) {
            case TensorProto.DataType.DOUBLE_VALUE -> DType.F64;
            case TensorProto.DataType.INT64_VALUE -> DType.I64;
            case TensorProto.DataType.FLOAT_VALUE -> DType.F32;
            default -> throw new IllegalArgumentException("element type " + elementType);
        };
        ByteBuffer b = ByteBuffer.allocate(t.size() * enc.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        RawValues.encode(b, t.data(), enc);
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(elementType)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) {
            p.addDims(d);
        }
        return p.build();
    }

    /** A 1-D int64 constant. */
    static TensorProto ints(String name, long... values) {
        return ints(name, new int[] {values.length}, values);
    }

    static TensorProto ints(String name, int[] shape, long... values) {
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (int d : shape) {
            p.addDims(d);
        }
        for (long v : values) {
            p.addInt64Data(v);
        }
        return p.build();
    }

    static List<Long> asLongs(Tensor t) {
        return java.util.Arrays.stream(t.data()).mapToObj(v -> (long) v).toList();
    }
}

package dev.rnnport.backend.onnxruntime;

import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the serialized TensorProto files of ONNX's backend tests (input_N.pb, output_N.pb) with
 * the generated protobuf classes: float, double, int32 and int64, from raw_data (little-endian,
 * as the ONNX specification fixes) or from the typed repeated fields.
 */
final class TensorProtos {
    private TensorProtos() {
    }

    static Tensor read(Path file) throws IOException {
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(file));
        int[] shape = t.getDimsList().stream().mapToInt(Math::toIntExact).toArray();
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        DType dtype;
        switch (TensorProto.DataType.forNumber(t.getDataType())) {
            case FLOAT -> {
                dtype = DType.F32;
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getFloat(4 * i) : t.getFloatData(i);
                }
            }
            case DOUBLE -> {
                dtype = DType.F64;
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getDouble(8 * i) : t.getDoubleData(i);
                }
            }
            case INT32 -> {
                dtype = DType.I32;
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getInt(4 * i) : t.getInt32Data(i);
                }
            }
            case INT64 -> {
                dtype = DType.I64;
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getLong(8 * i) : t.getInt64Data(i);
                }
            }
            default -> throw new IllegalArgumentException(file + ": data_type " + t.getDataType() + " is not read by this test");
        }
        return Tensor.of(dtype, shape, v);
    }
}

package dev.rnnport.format.onnx;

import com.google.protobuf.ByteString;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.StringStringEntryProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Moves a model's weights into one external data file, as onnx.save_model(...,
 * save_as_external_data=True, all_tensors_to_one_file=True) lays them out: each initializer of the
 * main graph holding float or double weights keeps its name, shape and type in the model,
 * gets {@code data_location: EXTERNAL} and {@code location}, {@code offset}, {@code length}
 * entries, and its raw bytes go to the data file at that offset. Offsets are multiples of
 * {@link #ALIGNMENT} so that readers can map tensors aligned. Integer tensors (shapes, axes) stay
 * in the model.
 */
final class ExternalDataWriter {
    static final int ALIGNMENT = 64;

    private ExternalDataWriter() {
    }

    /** Bytes of raw weight values the main graph's initializers hold. */
    static long weightBytes(ModelProto model) {
        return model.getGraph().getInitializerList().stream().mapToLong(t -> t.getRawData().size()).sum();
    }

    /**
     * Writes the moved tensors' bytes to {@code data} and returns the model that refers to them.
     *
     * @param location the data file's name relative to the model's folder
     */
    static ModelProto moveOut(ModelProto model, String location, OutputStream data) throws IOException {
        GraphProto.Builder g = model.getGraph().toBuilder();
        long offset = 0;
        byte[] padding = new byte[ALIGNMENT];
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            ByteString raw = t.getRawData();
            boolean weight = t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                    || t.getDataType() == TensorProto.DataType.DOUBLE_VALUE;
            if (!t.hasRawData() || !weight) {
                continue;
            }
            int pad = (int) ((ALIGNMENT - offset % ALIGNMENT) % ALIGNMENT);
            data.write(padding, 0, pad);
            offset += pad;
            raw.writeTo(data);
            g.setInitializer(i, t.toBuilder().clearRawData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(raw.size()))));
            offset += raw.size();
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}

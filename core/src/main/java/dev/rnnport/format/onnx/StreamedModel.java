package dev.rnnport.format.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * A model whose big weights are not in memory as protobuf: the model's skeleton (every field,
 * with the recurrent nodes' weight initializers lacking raw_data) and, per such initializer, the
 * {@link WeightSource} that writes its bytes. {@link #writeTo} streams the model straight to a
 * file, each weight's bytes made from the network as they are written, so writing a network
 * takes no memory beyond the network itself; the bytes are exactly those of
 * {@link #materialize()}{@code .writeTo(out)}.
 *
 * <p>Protobuf writes a message's known fields in field-number order, then its unknown fields; a
 * nested message is preceded by its length. Both are done here the same way: every field other
 * than the graph (of the model), the initializers (of the graph) and raw_data (of a deferred
 * initializer) is written by protobuf itself, as a message holding only that field.
 */
final class StreamedModel {
    private static final int GRAPH = ModelProto.GRAPH_FIELD_NUMBER;
    private static final int INITIALIZER = GraphProto.INITIALIZER_FIELD_NUMBER;
    private static final int RAW_DATA = TensorProto.RAW_DATA_FIELD_NUMBER;

    /** The bytes of one initializer's raw_data, made when written. */
    interface WeightSource {
        long byteCount();

        void writeTo(OutputStream out) throws IOException;
    }

    private final ModelProto skeleton;
    private final Map<String, WeightSource> deferred;

    StreamedModel(ModelProto skeleton, Map<String, WeightSource> deferred) {
        this.skeleton = skeleton;
        this.deferred = Map.copyOf(deferred);
    }

    /** Bytes of raw weight values the main graph holds, deferred or not. */
    long weightBytes() {
        return ExternalDataWriter.weightBytes(skeleton) + deferred.values().stream().mapToLong(WeightSource::byteCount).sum();
    }

    /** The whole model in memory, every weight's raw_data filled in. */
    ModelProto materialize() throws IOException {
        if (deferred.isEmpty()) {
            return skeleton;
        }
        GraphProto.Builder g = skeleton.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            WeightSource source = deferred.get(g.getInitializer(i).getName());
            if (source != null) {
                ByteString.Output bytes = ByteString.newOutput(Math.toIntExact(source.byteCount()));
                source.writeTo(bytes);
                g.setInitializer(i, g.getInitializer(i).toBuilder().setRawData(bytes.toByteString()));
            }
        }
        return skeleton.toBuilder().setGraph(g).build();
    }

    /** Writes the serialized model, byte for byte what {@link #materialize()} would serialize to. */
    void writeTo(OutputStream out) throws IOException {
        CodedOutputStream c = CodedOutputStream.newInstance(out, 1 << 16);
        for (Map.Entry<FieldDescriptor, Object> f : skeleton.getAllFields().entrySet()) {
            if (f.getKey().getNumber() == GRAPH) {
                GraphProto g = skeleton.getGraph();
                c.writeTag(GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                c.writeUInt64NoTag(graphSize(g));
                writeGraph(g, c, out);
            } else {
                single(skeleton, f).writeTo(c);
            }
        }
        skeleton.getUnknownFields().writeTo(c);
        c.flush();
    }

    private void writeGraph(GraphProto g, CodedOutputStream c, OutputStream out) throws IOException {
        for (Map.Entry<FieldDescriptor, Object> f : g.getAllFields().entrySet()) {
            if (f.getKey().getNumber() != INITIALIZER) {
                single(g, f).writeTo(c);
                continue;
            }
            for (TensorProto t : g.getInitializerList()) {
                WeightSource source = deferred.get(t.getName());
                if (source == null) {
                    c.writeMessage(INITIALIZER, t);
                    continue;
                }
                c.writeTag(INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                c.writeUInt64NoTag(withRawData(t, source));
                writeTensor(t, source, c, out);
            }
        }
        g.getUnknownFields().writeTo(c);
    }

    private static void writeTensor(TensorProto t, WeightSource source, CodedOutputStream c, OutputStream out) throws IOException {
        boolean rawWritten = false;
        for (Map.Entry<FieldDescriptor, Object> f : t.getAllFields().entrySet()) {
            if (!rawWritten && f.getKey().getNumber() > RAW_DATA) {
                writeRaw(source, c, out);
                rawWritten = true;
            }
            single(t, f).writeTo(c);
        }
        if (!rawWritten) {
            writeRaw(source, c, out);
        }
        t.getUnknownFields().writeTo(c);
    }

    /** raw_data's tag and length through protobuf, its bytes straight to the stream behind it. */
    private static void writeRaw(WeightSource source, CodedOutputStream c, OutputStream out) throws IOException {
        c.writeTag(RAW_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt64NoTag(source.byteCount());
        c.flush();
        source.writeTo(out);
    }

    /** The serialized size of a deferred initializer once its raw_data is in. */
    private static long withRawData(TensorProto t, WeightSource source) {
        long n = source.byteCount();
        return t.getSerializedSize() + CodedOutputStream.computeTagSize(RAW_DATA) + CodedOutputStream.computeUInt64SizeNoTag(n) + n;
    }

    private long graphSize(GraphProto g) {
        long size = g.getSerializedSize();
        for (TensorProto t : g.getInitializerList()) {
            WeightSource source = deferred.get(t.getName());
            if (source != null) {
                long before = t.getSerializedSize();
                long after = withRawData(t, source);
                size += after + CodedOutputStream.computeUInt64SizeNoTag(after)
                        - before - CodedOutputStream.computeUInt64SizeNoTag(before);
            }
        }
        return size;
    }

    /** A message of {@code whole}'s type holding only field {@code f}: protobuf writes it as that field alone. */
    private static Message single(Message whole, Map.Entry<FieldDescriptor, Object> f) {
        return whole.newBuilderForType().setField(f.getKey(), f.getValue()).build();
    }

    /** Names of the initializers whose bytes are made when written. */
    java.util.Set<String> deferredNames() {
        return deferred.keySet();
    }
}

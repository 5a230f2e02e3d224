package dev.rnnport.format.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Parses .onnx models and .pb tensors from files whose size bounds what protobuf may read, so a
 * truncated or garbled file is reported in one line instead of half-read.
 */
public final class OnnxFiles {
    /** Protobuf cannot represent a message past 2 GiB; ONNX moves larger weights to external files. */
    private static final long MAX_BYTES = Integer.MAX_VALUE;
    /** ONNX nests graphs in Loop/If/Scan bodies; real models stay far below this. */
    private static final int MAX_NESTING = 64;

    private OnnxFiles() {
    }

    public static ModelProto readModel(Path file) throws IOException {
        ModelProto m = parse(file, true);
        if (!m.hasGraph() || m.getIrVersion() <= 0) {
            throw new ModelException(file + ": not an ONNX model (expected a ModelProto with ir_version and a graph, found "
                    + (m.hasGraph() ? "no ir_version" : "no graph") + ")");
        }
        return m;
    }

    /** A tensor saved as a TensorProto, as ONNX's test data sets store inputs and outputs. */
    public static Tensor readTensor(Path file) throws IOException {
        TensorProto t = parse(file, false);
        return OnnxTensors.toTensor(t, file + ": tensor '" + t.getName() + "'");
    }


    private static <T> T parse(Path file, boolean model) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new ModelException(file + ": " + size + " bytes, more than the 2 GiB a protobuf message can hold");
        }
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit((int) size);
            coded.setRecursionLimit(MAX_NESTING * 4);
            @SuppressWarnings("unchecked")
            T parsed = (T) (model ? ModelProto.parseFrom(coded) : TensorProto.parseFrom(coded));
            return parsed;
        } catch (InvalidProtocolBufferException e) {
            // With the limit set to the file's size, a field that claims more bytes than remain trips
            // the size check before the end of input: both mean the file stops early.
            String m = String.valueOf(e.getMessage());
            String why = m.contains("too large") || m.contains("ended unexpectedly")
                    ? "truncated: a field runs past the end of its " + size + " bytes"
                    : "corrupt protobuf: " + firstSentence(m);
            throw new ModelException(file + ": not a valid " + (model ? "ONNX model" : "ONNX tensor") + " (" + why + ")", e);
        } catch (IndexOutOfBoundsException e) {
            // protobuf-java's stream parser can fail this way on a length that contradicts its buffer.
            throw new ModelException(file + ": not a valid " + (model ? "ONNX model" : "ONNX tensor")
                    + " (corrupt protobuf: a field's length contradicts the bytes around it)", e);
        }
    }

    private static String firstSentence(String m) {
        if (m == null) {
            return "unreadable";
        }
        int dot = m.indexOf(". ");
        return (dot > 0 ? m.substring(0, dot) : m).replace('\n', ' ');
    }
}

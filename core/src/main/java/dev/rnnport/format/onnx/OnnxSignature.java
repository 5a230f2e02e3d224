package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorShapeProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an ONNX graph takes and gives, as a caller feeding it must know: each input's and output's
 * name, element type and shape. Initializers that old IR versions also list as inputs are left
 * out, since nobody feeds them.
 *
 * @param inputs  the values the graph must be fed
 * @param outputs the values it returns
 */
public record OnnxSignature(List<Value> inputs, List<Value> outputs) {

    /**
     * One graph input or output.
     *
     * @param elementType float32, float64, int64, ... ; "unknown" when the graph does not say
     * @param shape       one entry per axis: an Integer size, a String for a named (symbolic) axis, or null for an
     *                    axis the graph leaves open; null when the graph gives no shape at all
     */
    public record Value(String name, String elementType, List<Object> shape) {
    }

    /** The signature of the model in {@code file}. */
    public static OnnxSignature of(Path file) throws IOException {
        return of(OnnxFiles.readModel(file));
    }

    public static OnnxSignature of(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.add(t.getName());
        }
        List<Value> in = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                in.add(value(v));
            }
        }
        return new OnnxSignature(List.copyOf(in), g.getOutputList().stream().map(OnnxSignature::value).toList());
    }

    private static Value value(ValueInfoProto v) {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return new Value(v.getName(), "unknown", null);
        }
        var t = v.getType().getTensorType();
        String type = t.hasElemType() ? elementType(t.getElemType()) : "unknown";
        if (!t.hasShape()) {
            return new Value(v.getName(), type, null);
        }
        List<Object> shape = new ArrayList<>();
        for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            shape.add(d.hasDimValue() ? (Object) Math.toIntExact(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : null);
        }
        return new Value(v.getName(), type, java.util.Collections.unmodifiableList(shape));
    }

    /** ONNX's element type in the names numpy and PyTorch use. */
    static String elementType(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        if (t == null) {
            return "type " + code;
        }
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }
}

package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorShapeProto;
import dev.rnnport.format.onnx.proto.Onnx.TypeProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Builds a GraphProto node by node, handing out unique tensor names and writing the few operators
 * whose form changed between opsets (Squeeze, Unsqueeze, Slice) the way the target opset wants.
 * A Loop body is built by a child builder that shares the parent's names, since ONNX subgraphs may
 * not shadow names of the enclosing graph.
 */
final class GraphBuilder {
    final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names;
    private final Set<String> nodeNames;
    private final boolean declareInitializers;
    private final int floatType;
    /** Weights whose bytes are made when the model is written, by initializer name; null in a subgraph, which holds its own. */
    private final Map<String, StreamedModel.WeightSource> deferred;

    GraphBuilder(int opset, String name) {
        this(opset, name, TensorProto.DataType.FLOAT_VALUE);
    }

    /** @param floatType the element type of weights and float values: FLOAT or DOUBLE */
    GraphBuilder(int opset, String name, int floatType) {
        this(opset, name, new HashSet<>(), new HashSet<>(), OnnxOpsets.initializersAreInputs(opset), floatType,
                new LinkedHashMap<>());
    }

    private GraphBuilder(int opset, String name, Set<String> names, Set<String> nodeNames, boolean declareInitializers,
                         int floatType, Map<String, StreamedModel.WeightSource> deferred) {
        this.opset = opset;
        this.deferred = deferred;
        this.floatType = floatType;
        this.names = names;
        this.nodeNames = nodeNames;
        this.declareInitializers = declareInitializers;
        graph.setName(name);
    }

    /** A builder for a subgraph (Loop body) whose names cannot clash with this graph's. */
    GraphBuilder child(String name) {
        return new GraphBuilder(opset, name, names, nodeNames, false, floatType, null);
    }

    /** The element type of the weights and float values of this graph (FLOAT or DOUBLE). */
    int floatType() {
        return floatType;
    }

    /** Weight values as a tensor of {@link #floatType()}, unnamed. */
    TensorProto weight(int[] shape, double[] values) {
        boolean dbl = floatType == TensorProto.DataType.DOUBLE_VALUE;
        return OnnxTensors.toProto("", Tensor.of(dbl ? DType.F64 : DType.F32, shape, values), floatType);
    }

    /**
     * A weight of {@link #floatType()} as an initializer whose bytes {@code values} makes when the
     * model is written ({@link StreamedModel}); in a subgraph, made now.
     */
    String weightInitializer(String base, int[] shape, WeightBlocks values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("").setDataType(floatType);
        for (int d : shape) {
            t.addDims(d);
        }
        if (deferred == null) {
            ByteString.Output bytes = ByteString.newOutput();
            try {
                values.writeTo(bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // in memory: cannot happen
            }
            return initializer(base, t.setRawData(bytes.toByteString()).build());
        }
        String n = initializer(base, t.build());
        deferred.put(n, values);
        return n;
    }

    GraphProto build() {
        return graph.build();
    }

    /** The weights {@link #weightInitializer} left to be made when the model is written, by initializer name. */
    Map<String, StreamedModel.WeightSource> deferredWeights() {
        return deferred == null ? Map.of() : deferred;
    }

    /** {@code base}, or base_2, base_3... when taken. */
    String fresh(String base) {
        return fresh(base, names);
    }

    private static String fresh(String base, Set<String> taken) {
        String n = base;
        for (int i = 2; !taken.add(n); i++) {
            n = base + "_" + i;
        }
        return n;
    }

    /** A graph input or output: float (or another element type) with named or fixed dimensions. */
    static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (dims != null) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                        : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
            t.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    void input(ValueInfoProto v) {
        names.add(v.getName());
        graph.addInput(v);
    }

    void output(ValueInfoProto v) {
        graph.addOutput(v);
    }

    String initializer(String base, TensorProto t) {
        String n = fresh(base);
        TensorProto named = t.toBuilder().setName(n).build();
        graph.addInitializer(named);
        if (declareInitializers) {
            graph.addInput(valueInfo(n, named.getDataType(), named.getDimsList().toArray()));
        }
        return n;
    }

    String ints(String base, long... values) {
        return initializer(base, OnnxTensors.ints(base, values));
    }

    String scalarInt(String base, long value) {
        return initializer(base, OnnxTensors.ints(base, new int[0], value));
    }

    /** Adds a node; returns its outputs, named after {@code outputs} (made unique unless exact). */
    NodeProto.Builder node(String op, String name, List<String> inputs, List<String> outputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh(name, nodeNames));
        n.addAllInput(inputs);
        n.addAllOutput(outputs);
        return n;
    }

    void add(NodeProto.Builder n) {
        graph.addNode(n);
    }

    /** One-output node with a fresh output name. */
    String op(String op, String name, List<String> inputs, AttributeProto... attrs) {
        String out = fresh(name);
        NodeProto.Builder n = node(op, name, inputs, List.of(out));
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        add(n);
        return out;
    }

    /** A node whose single output gets exactly {@code out} (a graph output's name). */
    void opTo(String op, String out, List<String> inputs, AttributeProto... attrs) {
        names.add(out);
        NodeProto.Builder n = node(op, out, inputs, List.of(out));
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        add(n);
    }

    String squeeze(String name, String x, long axis) {
        return axesOp("Squeeze", name, x, axis);
    }

    String unsqueeze(String name, String x, long axis) {
        return axesOp("Unsqueeze", name, x, axis);
    }

    private String axesOp(String op, String name, String x, long axis) {
        if (OnnxOpsets.axesAsInput(opset)) {
            return op(op, name, List.of(x, ints(name + "_axes", axis)));
        }
        return op(op, name, List.of(x), intsAttr("axes", axis));
    }

    /** x[start:end] along axis 0. */
    String sliceRows(String name, String x, long start, long end) {
        if (OnnxOpsets.sliceAsInputs(opset)) {
            return op("Slice", name, List.of(x, ints(name + "_starts", start), ints(name + "_ends", end),
                    ints(name + "_axes", 0)));
        }
        return op("Slice", name, List.of(x), intsAttr("starts", start), intsAttr("ends", end), intsAttr("axes", 0));
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto floatsAttr(String name, List<Float> v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS).addAllFloats(v).build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto stringsAttr(String name, List<String> v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String s : v) {
            a.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        }
        return a.build();
    }

    static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }
}

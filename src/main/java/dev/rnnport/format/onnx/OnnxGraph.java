package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;
import dev.rnnport.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An index over one GraphProto: who produces and who consumes each tensor, the initializers,
 * Constant nodes and the tensors the caller feeds, and typed attribute access with errors that
 * name the node.
 */
final class OnnxGraph {
    final GraphProto graph;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, ValueInfoProto> inputs = new HashMap<>();
    private final Map<String, Tensor> feeds;
    private final Map<String, Tensor> constants = new HashMap<>();

    OnnxGraph(GraphProto graph, Map<String, Tensor> feeds) {
        this.graph = graph;
        this.feeds = Map.copyOf(feeds);
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto v : graph.getInputList()) {
            inputs.put(v.getName(), v);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, n);
                }
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
    }

    NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** A graph input that no initializer fills: something the model is run on. */
    boolean isRunInput(String tensor) {
        return inputs.containsKey(tensor) && !initializers.containsKey(tensor);
    }

    /** The rank a graph input or value_info declares, or -1. */
    int declaredRank(String tensor) {
        ValueInfoProto v = inputs.get(tensor);
        if (v == null) {
            v = graph.getValueInfoList().stream().filter(x -> x.getName().equals(tensor)).findFirst().orElse(null);
        }
        if (v == null || !v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            return -1;
        }
        return v.getType().getTensorType().getShape().getDimCount();
    }

    /** Values stored in the file: an initializer or a Constant node's output; null when computed or fed. */
    Tensor stored(String tensor) {
        if (constants.containsKey(tensor)) {
            return constants.get(tensor);
        }
        Tensor t = null;
        TensorProto init = initializers.get(tensor);
        if (init != null) {
            t = OnnxTensors.toTensor(init, "initializer '" + tensor + "'");
        } else {
            NodeProto p = producers.get(tensor);
            if (p != null && p.getOpType().equals("Constant")) {
                t = constantValue(p);
            }
        }
        constants.put(tensor, t);
        return t;
    }

    /** A weight: stored in the file or fed by the caller; null when neither. */
    Tensor weight(String tensor) {
        Tensor fed = feeds.get(tensor);
        return fed != null ? fed : stored(tensor);
    }

    private Tensor constantValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            String what = describe(n) + " attribute " + a.getName();
            switch (a.getName()) {
                case "value":
                    return OnnxTensors.toTensor(a.getT(), what);
                case "value_float":
                    return Tensor.ofDoubles(new int[0], a.getF());
                case "value_floats":
                    return Tensor.ofDoubles(new int[] {a.getFloatsCount()},
                            a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                case "value_int":
                    return Tensor.of(dev.rnnport.tensor.DType.I64, new int[0], new double[] {a.getI()});
                case "value_ints":
                    return Tensor.of(dev.rnnport.tensor.DType.I64, new int[] {a.getIntsCount()},
                            a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
                default:
                    break;
            }
        }
        throw new ModelException(describe(n) + " has no value attribute that rnnport reads (value, value_float(s), value_int(s))");
    }

    static String describe(NodeProto n) {
        String name = n.getName().isEmpty() ? (n.getOutputCount() > 0 ? n.getOutput(0) : "?") : n.getName();
        return "node '" + name + "' (" + n.getOpType() + ")";
    }

    static AttributeProto attribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static long intAttr(NodeProto n, String name, long dflt) {
        AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getI();
    }

    static String stringAttr(NodeProto n, String name, String dflt) {
        AttributeProto a = attribute(n, name);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    static List<String> stringsAttr(NodeProto n, String name) {
        AttributeProto a = attribute(n, name);
        return a == null ? null : a.getStringsList().stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList();
    }

    static List<Float> floatsAttr(NodeProto n, String name) {
        AttributeProto a = attribute(n, name);
        return a == null ? List.of() : a.getFloatsList();
    }

    static List<Long> intsAttr(NodeProto n, String name) {
        AttributeProto a = attribute(n, name);
        return a == null ? null : a.getIntsList();
    }

    /** Input {@code i} of {@code n}, or "" when omitted. */
    static String input(NodeProto n, int i) {
        return i >= 0 && i < n.getInputCount() ? n.getInput(i) : "";
    }

    static String output(NodeProto n, int i) {
        return i >= 0 && i < n.getOutputCount() ? n.getOutput(i) : "";
    }
}

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
 *
 * <p>A subgraph (the branch of an If, the body of a Loop or Scan) is indexed with the graph that
 * holds it as its enclosing scope: as ONNX's scoping rules say, a name the subgraph does not
 * define itself (as an input, initializer or node output) is the enclosing graph's value of
 * that name, so initializers and Constants of outer graphs are visible inside. Producers and
 * consumers stay per graph, since layout operations and stacked layers never cross a scope.
 */
final class OnnxGraph {
    final GraphProto graph;
    /** The graph whose node holds this one as an attribute; null for the model's main graph. */
    final OnnxGraph enclosing;
    /** Where this graph lives, as a network name prefix: "" for the main graph, else "If_0/then_branch/". */
    final String scope;
    private final ConstantFolder folder;
    private final ExternalData external;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, ValueInfoProto> inputs = new HashMap<>();
    private final Map<String, Tensor> feeds;
    private final Map<String, Tensor> constants = new HashMap<>();

    /**
     * The model's main graph.
     *
     * @param feeds      values of graph inputs the caller provides (weights that are graph inputs)
     * @param foldBudget bytes that folded values may take at most (see {@link ConstantFolder})
     * @param external   where tensors kept outside the model are read from
     */
    OnnxGraph(GraphProto graph, Map<String, Tensor> feeds, long foldBudget, ExternalData external) {
        this(graph, null, "", feeds, new ConstantFolder(foldBudget), external);
    }

    private OnnxGraph(GraphProto graph, OnnxGraph enclosing, String scope, Map<String, Tensor> feeds, ConstantFolder folder,
                      ExternalData external) {
        this.graph = graph;
        this.external = external;
        this.enclosing = enclosing;
        this.scope = scope;
        this.folder = folder;
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

    /** The subgraph {@code body} held by {@code node}'s attribute {@code attribute}, with this graph as its enclosing scope. */
    OnnxGraph subgraph(NodeProto node, String attribute, GraphProto body) {
        return new OnnxGraph(body, this, scope + nodeName(node) + "/" + attribute + "/", Map.of(), folder, external);
    }

    /** The node that computes {@code tensor} in this graph, or null (also when an enclosing graph computes it). */
    NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    /** Whether this graph itself defines {@code tensor}: as an input, an initializer or a node's output. */
    boolean definesLocally(String tensor) {
        return inputs.containsKey(tensor) || initializers.containsKey(tensor) || producers.containsKey(tensor)
                || feeds.containsKey(tensor);
    }

    /** The graph, this one or an enclosing one, whose value {@code tensor} names; null when none defines it. */
    OnnxGraph definingScope(String tensor) {
        for (OnnxGraph g = this; g != null; g = g.enclosing) {
            if (g.definesLocally(tensor)) {
                return g;
            }
        }
        return null;
    }

    /** The initializer of this graph named {@code tensor}, or null. */
    TensorProto initializer(String tensor) {
        return initializers.get(tensor);
    }

    /** A value fed by the caller for this graph's input {@code tensor}, or null. */
    Tensor fed(String tensor) {
        return feeds.get(tensor);
    }

    ConstantFolder folder() {
        return folder;
    }

    List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** A graph input that no initializer fills: something the model is run on (in a subgraph: what its node passes in). */
    boolean isRunInput(String tensor) {
        OnnxGraph g = definingScope(tensor);
        return g != null && g.inputs.containsKey(tensor) && !g.initializers.containsKey(tensor);
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

    /**
     * Values stored in the file: an initializer or a Constant node's output, of this graph or,
     * for a name this graph does not define, of an enclosing one; null when computed or fed.
     */
    Tensor stored(String tensor) {
        if (!definesLocally(tensor)) {
            return enclosing == null ? null : enclosing.stored(tensor);
        }
        if (constants.containsKey(tensor)) {
            return constants.get(tensor);
        }
        Tensor t = null;
        TensorProto init = initializers.get(tensor);
        if (init != null) {
            t = OnnxTensors.toTensor(init, "initializer '" + tensor + "'", external);
        } else {
            NodeProto p = producers.get(tensor);
            if (p != null && p.getOpType().equals("Constant")) {
                t = constantValue(p);
            }
        }
        constants.put(tensor, t);
        return t;
    }

    /**
     * A weight: fed by the caller, stored in the file, or computed from stored values alone by
     * {@link ConstantFolder}; null when it is a graph input that is not fed.
     *
     * @throws ModelException naming the node that stops the folding, or the graph input it depends on
     */
    Tensor weight(String tensor) {
        OnnxGraph g = definingScope(tensor);
        if (g == null) {
            return null;
        }
        Tensor fed = g.feeds.get(tensor);
        if (fed != null) {
            return fed;
        }
        if (isRunInput(tensor)) {
            return null;
        }
        Tensor s = stored(tensor);
        return s != null ? s : folder.value(this, tensor);
    }

    /** The value of a Constant node. */
    Tensor constantValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            String what = describe(n) + " attribute " + a.getName();
            switch (a.getName()) {
                case "value":
                    return OnnxTensors.toTensor(a.getT(), what, external);
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
        return "node '" + nodeName(n) + "' (" + n.getOpType() + ")";
    }

    /** A node's name, or for an unnamed node its first output, as ONNX tools list it. */
    static String nodeName(NodeProto n) {
        if (!n.getName().isEmpty()) {
            return n.getName();
        }
        return n.getOutputList().stream().filter(o -> !o.isEmpty()).findFirst().orElse("?");
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

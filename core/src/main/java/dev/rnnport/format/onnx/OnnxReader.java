package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the recurrent networks of an .onnx file: every LSTM, GRU and RNN node with all its
 * attributes and optional inputs, stacked layers of torch.onnx.export (and keras2onnx) rebuilt as
 * one PyTorch-style network each (see {@link NetworkAssembler}).
 *
 * <p>Recurrent nodes are also found inside subgraphs, at any depth: the then_branch and
 * else_branch of an If, the body of a Loop or Scan (any node attribute holding a graph). A
 * network of the main graph is named after its first node; a network inside a subgraph is named
 * by the path to it, each step the holding node's name and the attribute's name, as in
 * {@code If_0/then_branch/LSTM_3} or {@code If_0/else_branch/Loop_2/body/GRU_1} (an attribute
 * holding a list of graphs adds its index: {@code Node/attr[1]/...}). An unnamed node is known
 * by its first output. Names already taken get a suffix {@code #2}, {@code #3}.
 *
 * <p>Weights (W, R, B, P) may be computed from initializers and Constants alone; they are
 * folded by {@link ConstantFolder}, and a node it does not evaluate is named in the error.
 *
 * <p>Initial states and sequence lengths are run inputs, not part of a network: a node's
 * initial_h/initial_c/sequence_lens may be a graph input, zeros or a computed tensor; a stored
 * non-zero constant is refused. ONNX's backend tests feed even the weights as graph inputs:
 * {@link #read(ModelProto, Map, String)} takes those values by name.
 */
public final class OnnxReader implements FormatReader {

    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        return read(OnnxFiles.readModel(file), Map.of(), file.toString(), ExternalData.besides(file));
    }

    /** As {@link #read(ModelProto, Map, String, ExternalData)} for a model without external data. */
    public static List<NamedNetwork> read(ModelProto model, Map<String, Tensor> feeds, String source) {
        return read(model, feeds, source, ExternalData.NONE);
    }

    /**
     * The networks of {@code model}.
     *
     * @param feeds  values of graph inputs that the model reads as weights (W, R, B, P), by name
     * @param source what to call the model in errors, usually its path
     * @param external where tensors kept outside the model are read from
     */
    public static List<NamedNetwork> read(ModelProto model, Map<String, Tensor> feeds, String source, ExternalData external) {
        List<NamedNetwork> found = find(model, feeds, source, external).stream().map(NetworkAssembler.Found::named).toList();
        try {
            OnnxGraph g = new OnnxGraph(model.getGraph(), feeds, ConstantFolder.budgetFor(model.getSerializedSize()), external);
            String projected = metadata(model, ProjectionLoopReader.KEY);
            if (found.isEmpty() && projected != null) {
                found = List.of(new NamedNetwork("", ProjectionLoopReader.read(g, projected)));
            }
            String dropout = metadata(model, OnnxWriter.DROPOUT_KEY);
            if (dropout != null && found.size() == 1) {
                RecurrentNetwork net = found.get(0).network();
                found = List.of(new NamedNetwork(found.get(0).name(), new RecurrentNetwork(
                        net.config().withDropout(parseDropout(dropout)), net.weights())));
            } else {
                // The graph says everything inference needs; training's dropout only our metadata records.
                found = found.stream().map(n -> n.withNotRecorded(NamedNetwork.Setting.DROPOUT)).toList();
            }
            if (found.isEmpty()) {
                TreeSet<String> ops = new TreeSet<>();
                TreeSet<String> inner = new TreeSet<>();
                for (NodeProto n : model.getGraph().getNodeList()) {
                    ops.add(n.getOpType());
                    subgraphOps(n, inner);
                }
                throw new ModelException("graph '" + model.getGraph().getName() + "' has no LSTM, GRU or RNN node"
                        + " (found " + (ops.isEmpty() ? "no nodes" : "only " + String.join(", ", ops))
                        + (inner.isEmpty() ? "" : "; in its subgraphs only " + String.join(", ", inner)) + ")");
            }
            return found;
        } catch (ModelException e) {
            throw new ModelException(dev.rnnport.util.Printable.oneLine(source + ": " + e.getMessage()), e);
        }
    }

    /** The op types of every node inside the subgraphs {@code n} holds, at any depth. */
    private static void subgraphOps(NodeProto n, Set<String> ops) {
        for (AttributeProto a : n.getAttributeList()) {
            List<dev.rnnport.format.onnx.proto.Onnx.GraphProto> graphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            for (var g : graphs) {
                for (NodeProto inner : g.getNodeList()) {
                    ops.add(inner.getOpType());
                    subgraphOps(inner, ops);
                }
            }
        }
    }

    /** Every network of the model's main graph and its subgraphs, with the nodes it is made of. */
    static List<NetworkAssembler.Found> find(ModelProto model, Map<String, Tensor> feeds, String source, ExternalData external) {
        try {
            List<NetworkAssembler.Found> found = new ArrayList<>();
            long size = model.getSerializedSize() + externalBytes(model.getGraph());
            collect(new OnnxGraph(model.getGraph(), feeds, ConstantFolder.budgetFor(size), external), found);
            Set<String> taken = new HashSet<>();
            List<NetworkAssembler.Found> unique = new ArrayList<>();
            for (NetworkAssembler.Found f : found) {
                String name = f.name();
                for (int k = 2; !taken.add(name); k++) {
                    name = f.name() + "#" + k;
                }
                unique.add(name.equals(f.name()) ? f : new NetworkAssembler.Found(name, f.network(), f.layers()));
            }
            return unique;
        } catch (ModelException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    /** The bytes the main graph's initializers keep in external files, as their entries claim (for the folding budget). */
    private static long externalBytes(dev.rnnport.format.onnx.proto.Onnx.GraphProto g) {
        long total = 0;
        for (var t : g.getInitializerList()) {
            for (var e : t.getExternalDataList()) {
                if (e.getKey().equals("length")) {
                    try {
                        total += Math.max(0, Math.min(Long.parseLong(e.getValue().strip()), 1L << 40));
                    } catch (NumberFormatException x) {
                        // refused when the tensor is read
                    }
                }
            }
        }
        return total;
    }

    private static void collect(OnnxGraph g, List<NetworkAssembler.Found> out) {
        out.addAll(new NetworkAssembler(g).find());
        for (NodeProto n : g.graph.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(g.subgraph(n, a.getName(), a.getG()), out);
                }
                for (int i = 0; i < a.getGraphsCount(); i++) {
                    collect(g.subgraph(n, a.getName() + "[" + i + "]", a.getGraphs(i)), out);
                }
            }
        }
    }

    private static String metadata(ModelProto model, String key) {
        return model.getMetadataPropsList().stream().filter(p -> p.getKey().equals(key))
                .map(p -> p.getValue()).findFirst().orElse(null);
    }

    private static double parseDropout(String v) {
        try {
            double p = Double.parseDouble(v);
            if (p >= 0 && p < 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelException("metadata " + OnnxWriter.DROPOUT_KEY + " is '" + v + "', expected a probability in [0, 1)");
    }
}

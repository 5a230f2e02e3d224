package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the recurrent networks of an .onnx file: every LSTM, GRU and RNN node with all its
 * attributes and optional inputs, stacked layers of torch.onnx.export (and keras2onnx) rebuilt as
 * one PyTorch-style network each (see {@link NetworkAssembler}). Networks are named after their
 * first node.
 *
 * <p>Initial states and sequence lengths are run inputs, not part of a network: a node's
 * initial_h/initial_c/sequence_lens may be a graph input, zeros or a computed tensor; a stored
 * non-zero constant is refused. ONNX's backend tests feed even the weights as graph inputs:
 * {@link #read(ModelProto, Map, String)} takes those values by name.
 */
public final class OnnxReader implements FormatReader {

    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        return read(OnnxFiles.readModel(file), Map.of(), file.toString());
    }

    /**
     * The networks of {@code model}.
     *
     * @param feeds  values of graph inputs that the model reads as weights (W, R, B, P), by name
     * @param source what to call the model in errors, usually its path
     */
    public static List<NamedNetwork> read(ModelProto model, Map<String, Tensor> feeds, String source) {
        try {
            OnnxGraph g = new OnnxGraph(model.getGraph(), feeds);
            List<NamedNetwork> found = new NetworkAssembler(g).assemble();
            String projected = metadata(model, ProjectionLoopReader.KEY);
            if (found.isEmpty() && projected != null) {
                found = List.of(new NamedNetwork("", ProjectionLoopReader.read(g, projected)));
            }
            String dropout = metadata(model, OnnxWriter.DROPOUT_KEY);
            if (dropout != null && found.size() == 1) {
                RecurrentNetwork net = found.get(0).network();
                found = List.of(new NamedNetwork(found.get(0).name(), new RecurrentNetwork(
                        net.config().withDropout(parseDropout(dropout)), net.weights())));
            }
            if (found.isEmpty()) {
                TreeSet<String> ops = new TreeSet<>();
                for (NodeProto n : model.getGraph().getNodeList()) {
                    ops.add(n.getOpType());
                }
                throw new ModelException("graph '" + model.getGraph().getName() + "' has no LSTM, GRU or RNN node"
                        + " (found " + (ops.isEmpty() ? "no nodes" : "only " + String.join(", ", ops)) + ")");
            }
            return found;
        } catch (ModelException e) {
            throw new ModelException(dev.rnnport.util.Printable.oneLine(source + ": " + e.getMessage()), e);
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

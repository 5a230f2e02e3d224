package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
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
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }
}

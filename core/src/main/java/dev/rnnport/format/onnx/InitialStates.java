package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.tensor.Tensor;
import java.util.Set;

/**
 * Checks where a recurrent node's initial_h / initial_c / sequence_lens come from. The IR keeps
 * initial states and lengths as run inputs, never as weights, so they may come from a graph input,
 * from zeros the exporter builds (torch: Shape, Gather, Concat, ConstantOfShape), or from any
 * computed tensor; a stored non-zero constant would change what the network computes and is
 * refused. Where one h0 input feeds several stacked layers, each layer's Slice must pick its own
 * rows, as torch.onnx.export writes them.
 */
final class InitialStates {
    private static final Set<String> PASS_THROUGH = Set.of("Slice", "Gather", "Squeeze", "Unsqueeze", "Reshape",
            "Identity", "Expand", "Cast", "Transpose");

    private InitialStates() {
    }

    /**
     * @param layer  the node's layer in its network
     * @param layers how many layers the network has
     */
    static void check(OnnxGraph g, RecurrentNode node, String slot, int layer, int layers) {
        String name = node.input(slot);
        if (name.isEmpty()) {
            return;
        }
        String t = name;
        NodeProto firstSlice = null;
        while (true) {
            Tensor stored = constant(g, t);
            if (stored != null) {
                if (slot.equals("sequence_lens")) {
                    throw new ModelException(node.describe() + ": input sequence_lens '" + name + "' is a constant"
                            + " stored in the file; rnnport takes sequence lengths as a run input (lengths)");
                }
                for (double v : stored.data()) {
                    if (v != 0) {
                        throw new ModelException(node.describe() + ": input " + slot + " '" + name + "' is a constant"
                                + " with non-zero values stored in the file; rnnport keeps initial states as run inputs"
                                + " (h0, c0), expected zeros, a graph input or a computed tensor");
                    }
                }
                return;
            }
            NodeProto p = g.producer(t);
            if (p == null) {
                break;
            }
            if (p.getOpType().equals("ConstantOfShape")) {
                Tensor v = OnnxGraph.attribute(p, "value") == null ? null
                        : OnnxTensors.toTensor(OnnxGraph.attribute(p, "value").getT(), OnnxGraph.describe(p) + " value");
                if (v != null && v.size() > 0 && v.data()[0] != 0 && !slot.equals("sequence_lens")) {
                    throw new ModelException(node.describe() + ": input " + slot + " '" + name + "' is filled with "
                            + v.data()[0] + " by " + OnnxGraph.describe(p) + "; expected zeros or a run input");
                }
                return;
            }
            if (!PASS_THROUGH.contains(p.getOpType())) {
                return;
            }
            if (p.getOpType().equals("Slice")) {
                firstSlice = p;
            }
            t = p.getInput(0);
        }
        // t is a graph input (or undefined); a Slice straight on it must select this layer's rows.
        if (firstSlice != null && layers > 1 && !slot.equals("sequence_lens")) {
            checkRows(g, node, slot, firstSlice, layer);
        }
    }

    /** The value of {@code t} when the file stores it or it folds from stored values alone; null when computed at run time. */
    private static Tensor constant(OnnxGraph g, String t) {
        Tensor stored = g.stored(t);
        if (stored != null || g.isRunInput(t) || g.definingScope(t) == null) {
            return stored;
        }
        try {
            return g.folder().value(g, t);
        } catch (ModelException e) {
            return null;
        }
    }

    private static void checkRows(OnnxGraph g, RecurrentNode node, String slot, NodeProto slice, int layer) {
        long[] starts = ints(g, slice, "starts", 1);
        long[] ends = ints(g, slice, "ends", 2);
        long[] axes = ints(g, slice, "axes", 3);
        if (starts == null || ends == null || starts.length != 1 || (axes != null && (axes.length != 1 || axes[0] != 0))) {
            return;
        }
        int d = node.directions;
        if (starts[0] != (long) layer * d || ends[0] != (long) (layer + 1) * d) {
            throw new ModelException(OnnxGraph.describe(slice) + ": takes rows " + starts[0] + " to " + ends[0]
                    + " of the initial state for " + slot + " of " + node.describe() + ", layer " + layer
                    + "; expected rows " + layer * d + " to " + (layer + 1) * d);
        }
    }

    /** A Slice argument: an attribute before opset 10, an input from then on; null when absent or computed. */
    private static long[] ints(OnnxGraph g, NodeProto slice, String attr, int input) {
        java.util.List<Long> a = OnnxGraph.intsAttr(slice, attr);
        if (a != null) {
            return a.stream().mapToLong(Long::longValue).toArray();
        }
        String in = OnnxGraph.input(slice, input);
        Tensor t = in.isEmpty() ? null : g.stored(in);
        return t == null ? null : java.util.Arrays.stream(t.data()).mapToLong(v -> (long) v).toArray();
    }
}

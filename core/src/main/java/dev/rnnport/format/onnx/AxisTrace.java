package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Follows a tensor through the layout operations that exporters put between a graph input and a
 * recurrent node, or between two recurrent nodes (Transpose, Squeeze, Unsqueeze, Reshape,
 * Identity, and the batch reordering Gather of torch's pack_padded_sequence), keeping track of
 * which original axis ends up where. Each axis is a list of atoms: the time steps T, the batch N,
 * the directions D and hidden units H of a recurrent output, or an axis S0, S1... of any other
 * source. A Reshape that merges or splits axes is followed as long as it only regroups atoms.
 */
final class AxisTrace {
    /** One factor of an axis; size -1 when only known at run time. */
    record Atom(String label, int size) {
        boolean isOne() {
            return size == 1;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static final Set<String> LAYOUT_OPS = Set.of("Transpose", "Squeeze", "Unsqueeze", "Reshape", "Identity", "Gather");

    /** The tensor a trace starts from, and the operations from it to the traced tensor, in order. */
    record Path(String source, List<NodeProto> ops) {
    }

    private final OnnxGraph graph;
    private List<List<Atom>> axes;
    /** Axes reordered along themselves by a Gather with computed indices. */
    private final List<Atom> reordered = new ArrayList<>();

    private AxisTrace(OnnxGraph graph, List<List<Atom>> start) {
        this.graph = graph;
        this.axes = start;
    }

    /** Walks back from {@code tensor} over layout operations to the first tensor that is not made by one. */
    static Path back(OnnxGraph g, String tensor) {
        List<NodeProto> ops = new ArrayList<>();
        String t = tensor;
        while (true) {
            NodeProto p = g.producer(t);
            if (p == null || !LAYOUT_OPS.contains(p.getOpType()) || (p.getOpType().equals("Gather") && !isReorder(g, p))) {
                break;
            }
            ops.add(p);
            t = p.getInput(0);
        }
        Collections.reverse(ops);
        return new Path(t, ops);
    }

    /** A Gather whose indices are computed at run time reorders its axis, as pack_padded_sequence's sort does. */
    private static boolean isReorder(OnnxGraph g, NodeProto p) {
        return p.getInputCount() == 2 && g.stored(p.getInput(1)) == null;
    }

    static List<List<Atom>> axesOf(Atom... atoms) {
        List<List<Atom>> a = new ArrayList<>();
        for (Atom x : atoms) {
            a.add(List.of(x));
        }
        return a;
    }

    /** Applies {@code path}'s operations to a tensor whose axes are {@code start}. */
    static AxisTrace follow(OnnxGraph g, List<List<Atom>> start, Path path) {
        AxisTrace t = new AxisTrace(g, new ArrayList<>(start));
        for (NodeProto op : path.ops()) {
            t.apply(op);
        }
        return t;
    }

    List<List<Atom>> axes() {
        return axes;
    }

    List<Atom> reordered() {
        return reordered;
    }

    /** The atoms of axis {@code i} that are not of size 1. */
    List<Atom> significant(int i) {
        return axes.get(i).stream().filter(a -> !a.isOne()).toList();
    }

    private ModelException error(NodeProto op, String what) {
        return new ModelException(OnnxGraph.describe(op) + ": " + what + " (axes here: " + axes + ")");
    }

    private void apply(NodeProto op) {
        int rank = axes.size();
        switch (op.getOpType()) {
            case "Identity" -> {
            }
            case "Transpose" -> {
                List<Long> perm = OnnxGraph.intsAttr(op, "perm");
                List<List<Atom>> out = new ArrayList<>();
                for (int i = 0; i < rank; i++) {
                    int from = perm == null ? rank - 1 - i : (int) (long) perm.get(i);
                    if (perm != null && perm.size() != rank) {
                        throw error(op, "attribute perm " + perm + " has " + perm.size() + " entries, expected " + rank);
                    }
                    out.add(axes.get(from));
                }
                axes = out;
            }
            case "Squeeze" -> {
                List<Integer> drop = axesArgument(op, rank);
                List<List<Atom>> out = new ArrayList<>();
                for (int i = 0; i < rank; i++) {
                    boolean allOne = axes.get(i).stream().allMatch(Atom::isOne);
                    if (drop == null ? allOne : drop.contains(i)) {
                        if (!allOne) {
                            throw error(op, "squeezes axis " + i + " " + axes.get(i) + ", which is not known to have size 1");
                        }
                        continue;
                    }
                    out.add(axes.get(i));
                }
                axes = out;
            }
            case "Unsqueeze" -> {
                List<Integer> add = axesArgument(op, rank + countAxes(op));
                List<List<Atom>> out = new ArrayList<>(axes);
                for (int a : add.stream().sorted().toList()) {
                    out.add(a, List.of(new Atom("1", 1)));
                }
                axes = out;
            }
            case "Reshape" -> reshape(op);
            case "Gather" -> {
                int axis = (int) OnnxGraph.intAttr(op, "axis", 0);
                axis = axis < 0 ? axis + rank : axis;
                if (axis < 0 || axis >= rank || axes.get(axis).size() != 1) {
                    throw error(op, "reorders axis " + axis + ", expected a single original axis");
                }
                reordered.add(axes.get(axis).get(0));
            }
            default -> throw error(op, "is not a layout operation");
        }
    }

    private int countAxes(NodeProto op) {
        List<Long> a = OnnxGraph.intsAttr(op, "axes");
        if (a == null && op.getInputCount() > 1) {
            Tensor t = graph.stored(op.getInput(1));
            return t == null ? 0 : t.size();
        }
        return a == null ? 0 : a.size();
    }

    /** Squeeze/Unsqueeze axes from the attribute (opset < 13) or the second input; null when absent. */
    private List<Integer> axesArgument(NodeProto op, int rank) {
        List<Long> a = OnnxGraph.intsAttr(op, "axes");
        if (a == null && op.getInputCount() > 1 && !op.getInput(1).isEmpty()) {
            Tensor t = graph.stored(op.getInput(1));
            if (t == null) {
                throw error(op, "input axes '" + op.getInput(1) + "' is computed at run time; expected a constant");
            }
            a = OnnxTensors.asLongs(t);
        }
        if (a == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (long v : a) {
            out.add((int) (v < 0 ? v + rank : v));
        }
        return out;
    }

    /** Regroups atoms into the target shape; 0 copies an axis, -1 takes what the other axes leave. */
    private void reshape(NodeProto op) {
        Tensor shape = op.getInputCount() > 1 ? graph.stored(op.getInput(1)) : null;
        if (shape == null) {
            throw error(op, "input shape is computed at run time; expected a constant");
        }
        long[] dims = shape.data().length == 0 ? new long[0] : java.util.Arrays.stream(shape.data()).mapToLong(v -> (long) v).toArray();
        boolean allowZero = OnnxGraph.intAttr(op, "allowzero", 0) == 1;
        List<Atom> flat = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (List<Atom> axis : axes) {
            starts.add(flat.size());
            flat.addAll(axis);
        }
        starts.add(flat.size());
        int inferred = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                inferred = i;
            }
        }
        List<List<Atom>> left = new ArrayList<>();
        int pos = 0;
        int end = inferred < 0 ? dims.length : inferred;
        for (int i = 0; i < end; i++) {
            int next = take(op, flat, starts, pos, i, dims[i], allowZero, true);
            left.add(new ArrayList<>(flat.subList(pos, next)));
            pos = next;
        }
        List<List<Atom>> right = new ArrayList<>();
        int back = flat.size();
        if (inferred >= 0) {
            for (int i = dims.length - 1; i > inferred; i--) {
                int prev = take(op, flat, starts, back, i, dims[i], allowZero, false);
                right.add(0, new ArrayList<>(flat.subList(prev, back)));
                back = prev;
            }
            left.add(new ArrayList<>(flat.subList(pos, back)));
        } else if (pos != flat.size() && !flat.subList(pos, flat.size()).stream().allMatch(Atom::isOne)) {
            throw error(op, "shape " + java.util.Arrays.toString(dims) + " leaves axes " + flat.subList(pos, flat.size()) + " unplaced");
        }
        left.addAll(right);
        axes = left;
    }

    /**
     * The atoms one target dimension takes, from {@code at} forwards (or backwards), returning the
     * new position. Dimension 0 copies input axis {@code index} and must start where that axis does.
     */
    private int take(NodeProto op, List<Atom> flat, List<Integer> starts, int at, int index, long dim,
                     boolean allowZero, boolean forwards) {
        if (dim == 0 && !allowZero) {
            if (!forwards || index >= axes.size() || starts.get(index) != at) {
                throw error(op, "shape entry " + index + " copies an input axis that no longer lines up");
            }
            return starts.get(index + 1);
        }
        long product = 1;
        int p = at;
        while (product < dim) {
            Atom a = forwards ? (p < flat.size() ? flat.get(p) : null) : (p > 0 ? flat.get(p - 1) : null);
            if (a == null || a.size() < 0) {
                throw error(op, "shape entry " + index + " = " + dim + " cannot be matched to axes of known size");
            }
            product *= a.size();
            p += forwards ? 1 : -1;
        }
        if (product != dim) {
            throw error(op, "shape entry " + index + " = " + dim + " splits an axis; expected whole axes");
        }
        return p;
    }
}

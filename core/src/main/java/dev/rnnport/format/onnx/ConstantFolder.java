package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.tensor.Tensor;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Computes tensors that a graph derives from its initializers and Constants alone, as exporters
 * write weights: Unsqueeze of a stored 2-D matrix, Reshape of a flat vector, Concat of two bias
 * halves, Cast of float16 values, Split of one packed tensor. Only the shape and element-wise ops
 * of {@link FoldOps} are evaluated; any other node, or a graph input on the way, stops the folding
 * with a {@link ModelException} that names it.
 *
 * <p>Bounded: before it allocates a result, the folder checks that all values it has computed so
 * far plus the new one (held as doubles, 8 bytes per element) stay within its budget, so a
 * hostile Expand or ConstantOfShape to a huge shape is refused before any memory is taken. The
 * reader sets the budget to {@link #BASE_BUDGET} plus four times the model's size, which leaves
 * room for every stored value of the file widened to doubles twice over. Chains deeper than
 * {@link #MAX_DEPTH} nodes are refused rather than followed.
 *
 * <p>Results are remembered per graph and name, so a weight several nodes read is computed once.
 */
final class ConstantFolder {
    /** Bytes folding may always use, whatever the model's size. */
    static final long BASE_BUDGET = 256L << 20;
    static final int MAX_DEPTH = 512;

    private final long budget;
    private long used;
    private final Map<OnnxGraph, Map<String, Tensor>> memo = new IdentityHashMap<>();

    /** @param budget bytes (8 per element) that all folded values together may take */
    ConstantFolder(long budget) {
        this.budget = budget;
    }

    /** The folding budget for a model of {@code modelBytes} bytes. */
    static long budgetFor(long modelBytes) {
        return BASE_BUDGET + 4 * Math.max(0, modelBytes);
    }

    /**
     * The value of {@code tensor} as seen from graph {@code from}.
     *
     * @throws ModelException why it cannot be folded: the node that stops it, or the run-time input it needs
     */
    Tensor value(OnnxGraph from, String tensor) {
        return value(from, tensor, null, 0);
    }

    private Tensor value(OnnxGraph from, String tensor, NodeProto reader, int depth) {
        OnnxGraph g = from.definingScope(tensor);
        String via = reader == null ? "" : " (read by " + OnnxGraph.describe(reader) + ")";
        if (g == null) {
            throw new ModelException("'" + tensor + "'" + via + " is not defined in the graph");
        }
        Tensor fed = g.fed(tensor);
        if (fed != null) {
            return fed;
        }
        Tensor stored = g.stored(tensor);
        if (stored != null) {
            return stored;
        }
        NodeProto p = g.producer(tensor);
        if (p == null) {
            throw new ModelException("it depends on " + (g.enclosing == null ? "graph input '" : "subgraph input '")
                    + tensor + "'" + via + ", known only at run time");
        }
        Map<String, Tensor> known = memo.computeIfAbsent(g, k -> new HashMap<>());
        if (known.containsKey(tensor)) {
            return known.get(tensor);
        }
        if (!FoldOps.OPS.contains(p.getOpType()) || !(p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx"))) {
            throw new ModelException(OnnxGraph.describe(p) + " computes '" + tensor + "', and constant folding evaluates"
                    + " only " + String.join(", ", FoldOps.OPS.stream().sorted().toList()));
        }
        if (depth >= MAX_DEPTH) {
            throw new ModelException(OnnxGraph.describe(p) + " is more than " + MAX_DEPTH
                    + " nodes away from the weight; constant folding follows chains up to that length");
        }
        Tensor[] inputs = new Tensor[p.getInputCount()];
        for (int i = 0; i < inputs.length; i++) {
            String in = p.getInput(i);
            inputs[i] = in.isEmpty() ? null : value(g, in, p, depth + 1);
        }
        Tensor[] outs;
        try {
            outs = new FoldOps(p, this::reserve, g).evaluate(inputs);
        } catch (ModelException e) {
            throw new ModelException(OnnxGraph.describe(p) + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < outs.length && i < p.getOutputCount(); i++) {
            if (!p.getOutput(i).isEmpty()) {
                known.put(p.getOutput(i), outs[i]);
            }
        }
        Tensor t = known.get(tensor);
        if (t == null) {
            throw new ModelException(OnnxGraph.describe(p) + " gives no value for '" + tensor + "'");
        }
        return t;
    }

    /** Accounts for a result of {@code elements} values before it is allocated. */
    private void reserve(long elements) {
        long bytes = elements > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : elements * 8;
        if (elements > Integer.MAX_VALUE - 8 || bytes > budget - used) {
            throw new ModelException("its result of " + elements + " values (" + mib(bytes) + ") would take folding past its"
                    + " limit of " + mib(budget) + " (" + mib(used) + " already used); refused before allocating");
        }
        used += bytes;
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 20) ? String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0) : bytes + " bytes";
    }
}

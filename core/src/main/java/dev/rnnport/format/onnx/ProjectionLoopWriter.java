package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An LSTM with proj_size as primitive operators, since ONNX's LSTM has no projection (and
 * torch.onnx.export refuses it). Per layer and direction the input projection of all steps is one
 * MatMul per gate before a Loop over time; the Loop body computes, for step t (T-1-t reversed):
 *
 * <pre>
 *   i = σ(XW_i[t] + h R_i),  f = σ(XW_f[t] + h R_f),  g = tanh(XW_g[t] + h R_g),  o = σ(XW_o[t] + h R_o)
 *   c' = f⊙c + i⊙g,   h' = (o⊙tanh(c')) W_hr
 * </pre>
 *
 * with XW_q = X W_ih_q^T + b_ih_q + b_hh_q, R_q = W_hh_q^T and W_hr transposed, as PyTorch's
 * equations state them. One gate per MatMul keeps the body free of Split and Slice, whose form
 * changed between opsets. The reversed direction also emits its step indices, which put its
 * outputs back in input order with one Gather.
 */
final class ProjectionLoopWriter {
    /** Loop bodies that read outer-scope tensors and return scan outputs run in ONNX Runtime from opset 9. */
    static final int MIN_OPSET = 9;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private final GraphBuilder b;
    private final RecurrentNetwork net;
    private final NetworkConfig cfg;

    ProjectionLoopWriter(GraphBuilder b, RecurrentNetwork net) {
        this.b = b;
        this.net = net;
        this.cfg = net.config();
    }

    /** Why the Loop form cannot compute {@code net} at {@code opset}, naming the feature; empty when it can. */
    static Optional<String> refusal(RecurrentNetwork net, int opset) {
        NetworkConfig c = net.config();
        CellOptions o = c.options();
        String why = null;
        if (opset < MIN_OPSET) {
            why = "opset " + opset + " (the Loop form needs opset " + MIN_OPSET + " or later)";
        } else if (net.hasPeepholes()) {
            why = "peepholes";
        } else if (o.hasClip()) {
            why = "clip";
        } else if (o.inputForget()) {
            why = "input_forget";
        } else if (!o.withReverseOnly(false).withActivations(CellOptions.defaultActivations(c.cell()),
                CellOptions.defaultActivations(c.cell())).equals(o.withReverseOnly(false))) {
            why = "activations " + o.forwardActivations() + " / " + o.reverseActivations();
        }
        return why == null ? Optional.empty() : Optional.of("LSTM with proj_size " + c.projSize()
                + " is written as a Loop of primitive operators, which does not support " + why);
    }

    /** The layer's output (seq, batch, dirs*proj), h_n (dirs, batch, proj) and c_n (dirs, batch, hidden). */
    List<String> write(int layer, String x, String h0, String c0, String lengths) {
        String l = "_l" + layer;
        String shape = b.op("Shape", "shape" + l, List.of(x));
        String steps = b.op("Gather", "steps" + l, List.of(shape, b.scalarInt("zero", 0)), GraphBuilder.intAttr("axis", 0));
        List<String> ys = new ArrayList<>();
        List<String> hs = new ArrayList<>();
        List<String> cs = new ArrayList<>();
        for (int d = 0; d < cfg.directions(); d++) {
            boolean reversed = d == 1 || cfg.options().reverseOnly();
            String suffix = l + (d == 1 ? "_reverse" : "");
            String dIndex = b.scalarInt("direction_" + d, d);
            String h = b.op("Gather", "h0" + suffix, List.of(h0, dIndex), GraphBuilder.intAttr("axis", 0));
            String c = b.op("Gather", "c0" + suffix, List.of(c0, dIndex), GraphBuilder.intAttr("axis", 0));
            List<String> r = direction(layer, d == 1, reversed, suffix, x, steps, h, c, lengths);
            ys.add(r.get(0));
            hs.add(b.unsqueeze("h_n" + suffix, r.get(1), 0));
            cs.add(b.unsqueeze("c_n" + suffix, r.get(2), 0));
        }
        return List.of(concat("Y" + l, ys, 2), concat("Y_h" + l, hs, 0), concat("Y_c" + l, cs, 0));
    }

    private String concat(String name, List<String> parts, int axis) {
        return parts.size() == 1 ? parts.get(0) : b.op("Concat", name, parts, GraphBuilder.intAttr("axis", axis));
    }

    /** Output (seq, batch, proj), final h (batch, proj) and final c (batch, hidden) of one direction. */
    private List<String> direction(int layer, boolean reverseWeights, boolean reversed, String s, String x,
                                   String steps, String h0, String c0, String lengths) {
        DirectionWeights w = net.weights(layer, reverseWeights);
        int hidden = cfg.hiddenSize();
        int in = cfg.layerInputSize(layer);
        int proj = cfg.projSize();
        String[] gate = {"i", "f", "g", "o"};
        String[] xw = new String[4];
        String[] rT = new String[4];
        for (int q = 0; q < 4; q++) {
            String wq = b.initializer(name("W_ih", gate[q], s), matrixT(w.wIh(), q * hidden, hidden, in));
            String proj0 = b.op("MatMul", "XW_" + gate[q] + s, List.of(x, wq));
            if (cfg.bias()) {
                String bi = b.initializer(name("b_ih", gate[q], s), rows(w.bIh(), q * hidden, hidden));
                String bh = b.initializer(name("b_hh", gate[q], s), rows(w.bHh(), q * hidden, hidden));
                proj0 = b.op("Add", "XWb_" + gate[q] + s, List.of(b.op("Add", "XWbi_" + gate[q] + s, List.of(proj0, bi)), bh));
            }
            xw[q] = proj0;
            rT[q] = b.initializer(name("W_hh", gate[q], s), matrixT(w.wHh(), q * hidden, hidden, proj));
        }
        String hrT = b.initializer(name("W_hr", "", s), matrixT(w.wHr(), 0, proj, hidden));
        String last = reversed ? b.op("Sub", "last_step" + s, List.of(steps, b.scalarInt("one", 1))) : null;

        GraphBuilder body = b.child("step" + s);
        String iter = body.fresh("t" + s);
        String cond = body.fresh("cond" + s);
        String hPrev = body.fresh("h_prev" + s);
        String cPrev = body.fresh("c_prev" + s);
        body.input(GraphBuilder.valueInfo(iter, INT64));
        body.input(GraphBuilder.valueInfo(cond, BOOL));
        body.input(GraphBuilder.valueInfo(hPrev, b.floatType(), (Object[]) null));
        body.input(GraphBuilder.valueInfo(cPrev, b.floatType(), (Object[]) null));
        String t = reversed ? body.op("Sub", "step_index" + s, List.of(last, iter)) : iter;
        String[] act = new String[4];
        for (int q = 0; q < 4; q++) {
            String xt = body.op("Gather", "x_" + gate[q] + s, List.of(xw[q], t), GraphBuilder.intAttr("axis", 0));
            String hr = body.op("MatMul", "hR_" + gate[q] + s, List.of(hPrev, rT[q]));
            String pre = body.op("Add", "pre_" + gate[q] + s, List.of(xt, hr));
            act[q] = body.op(q == 2 ? "Tanh" : "Sigmoid", gate[q] + s, List.of(pre));
        }
        String fc = body.op("Mul", "f_c" + s, List.of(act[1], cPrev));
        String ig = body.op("Mul", "i_g" + s, List.of(act[0], act[2]));
        String cNew = body.op("Add", "c" + s, List.of(fc, ig));
        String tc = body.op("Tanh", "tanh_c" + s, List.of(cNew));
        String hCell = body.op("Mul", "h_cell" + s, List.of(act[3], tc));
        String hNew = body.op("MatMul", "h" + s, List.of(hCell, hrT));
        String y;
        if (lengths.isEmpty()) {
            y = body.op("Identity", "y" + s, List.of(hNew));
        } else {
            // Past a sequence's length the state stays and the output is zero, as in a packed sequence;
            // a reversed pass thus starts at each sequence's own last step.
            String valid = body.op("Less", "valid" + s, List.of(t, lengths));
            String mask = body.unsqueeze("valid_column" + s, valid, 1);
            hNew = body.op("Where", "h_kept" + s, List.of(mask, hNew, hPrev));
            cNew = body.op("Where", "c_kept" + s, List.of(mask, cNew, cPrev));
            y = body.op("Where", "y" + s, List.of(mask, hNew, b.initializer("zero_float",
                    floats(new int[0], new double[] {0}))));
        }
        String condOut = body.op("Identity", "cond_out" + s, List.of(cond));
        body.output(GraphBuilder.valueInfo(condOut, BOOL));
        body.output(GraphBuilder.valueInfo(hNew, b.floatType(), (Object[]) null));
        body.output(GraphBuilder.valueInfo(cNew, b.floatType(), (Object[]) null));
        body.output(GraphBuilder.valueInfo(y, b.floatType(), (Object[]) null));
        String tOut = null;
        if (reversed) {
            tOut = body.op("Identity", "t_out" + s, List.of(t));
            body.output(GraphBuilder.valueInfo(tOut, INT64));
        }

        List<String> outs = new ArrayList<>(List.of(b.fresh("h_last" + s), b.fresh("c_last" + s), b.fresh("Y_steps" + s)));
        if (reversed) {
            outs.add(b.fresh("step_order" + s));
        }
        NodeProto.Builder loop = b.node("Loop", "Loop" + s, List.of(steps, "", h0, c0), outs);
        loop.addAttribute(GraphBuilder.graphAttr("body", body.build()));
        b.add(loop);
        String ys = outs.get(2);
        if (reversed) {
            // Scan outputs come in iteration order; gathering by the emitted step indices restores time order.
            ys = b.op("Gather", "Y" + s, List.of(ys, outs.get(3)), GraphBuilder.intAttr("axis", 0));
        }
        return List.of(ys, outs.get(0), outs.get(1));
    }

    /**
     * The initializer names {@link ProjectionLoopReader} finds the weights by: W_ih_iT_l0,
     * b_hh_o_l1_reverse, W_hrT_l0 (matrices transposed, hence the T).
     */
    static String name(String tensor, String gate, String suffix) {
        boolean matrix = tensor.startsWith("W");
        return tensor + (gate.isEmpty() ? "" : "_" + gate) + (matrix ? "T" : "") + suffix;
    }

    private TensorProto rows(Tensor v, int row0, int rows) {
        double[] out = new double[rows];
        System.arraycopy(v.data(), row0, out, 0, rows);
        return floats(new int[] {rows}, out);
    }

    /** Rows [row0, row0+rows) of {@code m} (cols wide), transposed to (cols, rows), as float32. */
    private TensorProto matrixT(Tensor m, int row0, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[c * rows + r] = m.data()[(row0 + r) * cols + c];
            }
        }
        return floats(new int[] {cols, rows}, v);
    }

    private TensorProto floats(int[] shape, double[] v) {
        return b.weight(shape, v);
    }
}

package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one layer of a network (without projection) as an ONNX LSTM, GRU or RNN node with
 * layout=0, its weights converted to ONNX's gate order by the inverse of the reader's mapping, and
 * every option the IR holds as the node's attributes.
 */
final class NodeLayerWriter {
    private final GraphBuilder b;
    private final RecurrentNetwork net;
    private final NetworkConfig cfg;
    private final OnnxLayout layout = OnnxLayout.get();

    NodeLayerWriter(GraphBuilder b, RecurrentNetwork net) {
        this.b = b;
        this.net = net;
        this.cfg = net.config();
    }

    /**
     * Y, Y_h and (LSTM) Y_c of layer {@code layer} run on {@code x} from states {@code h0}, {@code c0}.
     *
     * @param lengths int32 sequence_lens, or "" for none
     */
    List<String> write(int layer, String x, String h0, String c0, String lengths) {
        CellKind cell = cfg.cell();
        String op = cell.moduleName();
        String suffix = "_l" + layer;
        int dirs = cfg.directions();
        int gates = cell.gates();
        int hidden = cfg.hiddenSize();
        int[] src = layout.irGateSources(cell);
        int in = cfg.layerInputSize(layer);
        DType encoding = b.floatType() == TensorProto.DataType.DOUBLE_VALUE ? DType.F64 : DType.F32;
        WeightBlocks w = new WeightBlocks(encoding, (long) dirs * gates * hidden * in);
        WeightBlocks r = new WeightBlocks(encoding, (long) dirs * gates * hidden * hidden);
        WeightBlocks bias = cfg.bias() ? new WeightBlocks(encoding, (long) dirs * 2 * gates * hidden) : null;
        boolean peep = net.weights(layer, false).peephole() != null;
        WeightBlocks p = peep ? new WeightBlocks(encoding, (long) dirs * 3 * hidden) : null;
        for (int d = 0; d < dirs; d++) {
            DirectionWeights dw = net.weights(layer, d == 1);
            scatter(dw.wIh(), w, (long) d * gates * hidden * in, src, hidden * in);
            scatter(dw.wHh(), r, (long) d * gates * hidden * hidden, src, hidden * hidden);
            if (bias != null) {
                int first = layout.inputBiasFirst() ? 0 : 1;
                scatter(dw.bIh(), bias, (long) (2 * d + first) * gates * hidden, src, hidden);
                scatter(dw.bHh(), bias, (long) (2 * d + 1 - first) * gates * hidden, src, hidden);
            }
            if (peep) {
                scatter(dw.peephole(), p, (long) d * 3 * hidden, layout.irPeepholeSources(), hidden);
            }
        }
        List<String> inputs = new ArrayList<>(List.of(x,
                b.weightInitializer("W" + suffix, new int[] {dirs, gates * hidden, in}, w),
                b.weightInitializer("R" + suffix, new int[] {dirs, gates * hidden, hidden}, r),
                bias == null ? "" : b.weightInitializer("B" + suffix, new int[] {dirs, 2 * gates * hidden}, bias),
                lengths, h0));
        if (cell == CellKind.LSTM) {
            inputs.add(c0);
            if (peep) {
                inputs.add(b.weightInitializer("P" + suffix, new int[] {dirs, 3 * hidden}, p));
            }
        }
        List<String> outputs = new ArrayList<>(List.of(b.fresh("Y" + suffix), b.fresh("Y_h" + suffix)));
        if (cell == CellKind.LSTM) {
            outputs.add(b.fresh("Y_c" + suffix));
        }
        NodeProto.Builder n = b.node(op, op + suffix, inputs, outputs);
        attributes(n);
        b.add(n);
        return outputs;
    }

    /** IR block k of {@code t} goes to ONNX block src[k] of {@code into} at {@code offset}. */
    private static void scatter(Tensor t, WeightBlocks into, long offset, int[] src, int block) {
        for (int k = 0; k < src.length; k++) {
            into.place(offset + (long) src[k] * block, t, k * block, block);
        }
    }

    private void attributes(NodeProto.Builder n) {
        CellOptions o = cfg.options();
        CellKind cell = cfg.cell();
        n.addAttribute(GraphBuilder.intAttr("hidden_size", cfg.hiddenSize()));
        String direction = cfg.bidirectional() ? "bidirectional" : o.reverseOnly() ? "reverse" : "forward";
        if (!direction.equals(layout.defaultDirection())) {
            n.addAttribute(GraphBuilder.stringAttr("direction", direction));
        }
        List<Activation> acts = new ArrayList<>(o.forwardActivations());
        if (cfg.bidirectional()) {
            acts.addAll(o.reverseActivations());
        }
        List<Activation> onnxDefault = new ArrayList<>();
        for (int d = 0; d < cfg.directions(); d++) {
            onnxDefault.addAll(layout.defaultActivations(cell));
        }
        if (!acts.equals(onnxDefault)) {
            n.addAttribute(GraphBuilder.stringsAttr("activations", acts.stream().map(a -> a.kind().onnxName()).toList()));
            // Explicit values for every function that takes them, in the order ONNX Runtime consumes them.
            List<Float> alphas = acts.stream().filter(a -> a.kind().usesAlpha()).map(a -> (float) a.alpha()).toList();
            List<Float> betas = acts.stream().filter(a -> a.kind().usesBeta()).map(a -> (float) a.beta()).toList();
            if (!alphas.isEmpty()) {
                n.addAttribute(GraphBuilder.floatsAttr("activation_alpha", alphas));
            }
            if (!betas.isEmpty()) {
                n.addAttribute(GraphBuilder.floatsAttr("activation_beta", betas));
            }
        }
        if (o.hasClip()) {
            n.addAttribute(GraphBuilder.floatAttr("clip", (float) o.clip()));
        }
        if (cell == CellKind.LSTM && o.inputForget()) {
            n.addAttribute(GraphBuilder.intAttr("input_forget", 1));
        }
        if (cell == CellKind.GRU && o.linearBeforeReset()) {
            n.addAttribute(GraphBuilder.intAttr("linear_before_reset", 1));
        }
    }
}

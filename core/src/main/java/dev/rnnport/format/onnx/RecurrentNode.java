package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX LSTM, GRU or RNN node read into the IR's terms: its attributes as {@link CellOptions},
 * its W, R, B and P as {@link DirectionWeights} in PyTorch's gate order (per {@link OnnxLayout}),
 * and the names of the tensors it reads and writes. Every problem names the node and the input or
 * attribute, with what was expected and what was found.
 */
final class RecurrentNode {
    static final Set<String> OP_TYPES = Set.of("LSTM", "GRU", "RNN");
    private static final Set<String> KNOWN_ATTRIBUTES = Set.of("activation_alpha", "activation_beta", "activations",
            "clip", "direction", "hidden_size", "input_forget", "layout", "linear_before_reset", "output_sequence");

    final NodeProto node;
    final String name;
    final CellKind cell;
    final int hidden;
    final int inputSize;
    final int directions;
    final int layout;
    final boolean bias;
    final CellOptions options;
    /** Per direction (forward, then reverse), in the IR's layout. */
    final List<DirectionWeights> weights;
    /** W, R and, when present, B and P as the node reads them (ONNX's layout, folded, half precision widened). */
    final Map<String, Tensor> onnxWeights;

    private RecurrentNode(NodeProto node, CellKind cell, int hidden, int inputSize, int directions, int layout,
                          boolean bias, CellOptions options, List<DirectionWeights> weights, Map<String, Tensor> onnxWeights) {
        this.node = node;
        // An unnamed node is known by its first output, as ONNX tools list it.
        this.name = node.getName().isEmpty()
                ? node.getOutputList().stream().filter(o -> !o.isEmpty()).findFirst().orElse("") : node.getName();
        this.cell = cell;
        this.hidden = hidden;
        this.inputSize = inputSize;
        this.directions = directions;
        this.layout = layout;
        this.bias = bias;
        this.options = options;
        this.weights = List.copyOf(weights);
        this.onnxWeights = Map.copyOf(onnxWeights);
    }

    static boolean isRecurrent(NodeProto n) {
        return OP_TYPES.contains(n.getOpType()) && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"));
    }

    String describe() {
        return OnnxGraph.describe(node);
    }

    String input(String slot) {
        return OnnxGraph.input(node, OnnxLayout.get().inputSlot(onnxCell(), slot));
    }

    String output(String slot) {
        return OnnxGraph.output(node, OnnxLayout.get().outputSlot(onnxCell(), slot));
    }

    private CellKind onnxCell() {
        return cell.isRnn() ? CellKind.RNN_TANH : cell;
    }

    boolean bidirectional() {
        return directions == 2;
    }

    static RecurrentNode parse(NodeProto n, OnnxGraph g) {
        return new Parser(n, g).parse();
    }

    /** The reading of one node; a class so the node and graph need not be passed to every step. */
    private static final class Parser {
        final NodeProto n;
        final OnnxGraph g;
        final OnnxLayout layout = OnnxLayout.get();
        final CellKind kind;

        Parser(NodeProto n, OnnxGraph g) {
            this.n = n;
            this.g = g;
            this.kind = switch (n.getOpType()) {
                case "LSTM" -> CellKind.LSTM;
                case "GRU" -> CellKind.GRU;
                default -> CellKind.RNN_TANH;
            };
        }

        ModelException error(String what) {
            return new ModelException(OnnxGraph.describe(n) + ": " + what);
        }

        RecurrentNode parse() {
            for (AttributeProto a : n.getAttributeList()) {
                if (!KNOWN_ATTRIBUTES.contains(a.getName())
                        || (a.getName().equals("input_forget") && kind != CellKind.LSTM)
                        || (a.getName().equals("linear_before_reset") && kind != CellKind.GRU)) {
                    throw error("attribute " + a.getName() + " is not part of ONNX's " + n.getOpType()
                            + " and rnnport cannot say what it means");
                }
            }
            String direction = OnnxGraph.stringAttr(n, "direction", layout.defaultDirection());
            int dirs;
            boolean reverseOnly = false;
            switch (direction) {
                case "forward" -> dirs = 1;
                case "reverse" -> {
                    dirs = 1;
                    reverseOnly = true;
                }
                case "bidirectional" -> dirs = 2;
                default -> throw error("attribute direction is '" + direction + "', expected forward, reverse or bidirectional");
            }
            long lay = OnnxGraph.intAttr(n, "layout", layout.defaultInt("layout"));
            if (lay != 0 && lay != 1) {
                throw error("attribute layout is " + lay + ", expected 0 (time-major) or 1 (batch-major)");
            }
            int gates = kind.gates();
            Tensor w = weight("W", true);
            Tensor r = weight("R", true);
            if (r.rank() != 3 || r.dim(0) != dirs) {
                throw error("input R '" + input("R") + "' has shape " + r.shapeString() + ", expected [" + dirs + ", "
                        + gates + "*hidden_size, hidden_size] for direction=" + direction);
            }
            long hiddenAttr = OnnxGraph.intAttr(n, "hidden_size", -1);
            int hidden = hiddenAttr > 0 ? (int) hiddenAttr : r.dim(2);
            if (hiddenAttr == 0 || hiddenAttr < -1) {
                throw error("attribute hidden_size is " + hiddenAttr + ", expected a positive number");
            }
            expect("R", r, dirs, gates * hidden, hidden);
            if (w.rank() != 3) {
                throw error("input W '" + input("W") + "' has shape " + w.shapeString() + ", expected [" + dirs + ", "
                        + gates * hidden + ", input_size] (num_directions, " + gates + "*hidden_size, input_size)");
            }
            int inputSize = w.dim(2);
            expect("W", w, dirs, gates * hidden, inputSize);
            Tensor b = weight("B", false);
            if (b != null) {
                expect("B", b, dirs, 2 * gates * hidden);
            }
            Tensor p = kind == CellKind.LSTM ? weight("P", false) : null;
            if (p != null) {
                expect("P", p, dirs, 3 * hidden);
            }
            CellKind cell = kind;
            CellOptions options = options(dirs, reverseOnly, direction);
            if (kind.isRnn() && isRelu(options.forwardActivations()) && (dirs == 1 || isRelu(options.reverseActivations()))) {
                // PyTorch's nn.RNN(nonlinearity='relu') is exactly ONNX's RNN with activations [Relu].
                cell = CellKind.RNN_RELU;
            }
            List<DirectionWeights> dw = new ArrayList<>();
            int[] gateSrc = layout.irGateSources(kind);
            for (int d = 0; d < dirs; d++) {
                Tensor bIh = null;
                Tensor bHh = null;
                if (b != null) {
                    int first = layout.inputBiasFirst() ? 0 : 1;
                    bIh = blocks(b, d, first * gates * hidden, gates, hidden, 1, gateSrc);
                    bHh = blocks(b, d, (1 - first) * gates * hidden, gates, hidden, 1, gateSrc);
                }
                Tensor peep = p == null ? null : blocks(p, d, 0, 3, hidden, 1, layout.irPeepholeSources());
                dw.add(new DirectionWeights(blocks(w, d, 0, gates, hidden, inputSize, gateSrc),
                        blocks(r, d, 0, gates, hidden, hidden, gateSrc), bIh, bHh, null, peep));
            }
            Map<String, Tensor> raw = new LinkedHashMap<>();
            raw.put("W", w);
            raw.put("R", r);
            if (b != null) {
                raw.put("B", b);
            }
            if (p != null) {
                raw.put("P", p);
            }
            return new RecurrentNode(n, cell, hidden, inputSize, dirs, (int) lay, b != null, options, dw, raw);
        }

        private static boolean isRelu(List<Activation> acts) {
            return acts.size() == 1 && acts.get(0).kind() == Activation.Kind.RELU;
        }

        String input(String slot) {
            return OnnxGraph.input(n, layout.inputSlot(kind, slot));
        }

        Tensor weight(String slot, boolean required) {
            String name = input(slot);
            if (name.isEmpty()) {
                if (required) {
                    throw error("input " + slot + " is missing");
                }
                return null;
            }
            Tensor t;
            try {
                t = g.weight(name);
            } catch (ModelException e) {
                throw error("input " + slot + " '" + name + "' is computed in the graph and cannot be folded to"
                        + " constants: " + e.getMessage());
            }
            if (t == null) {
                if (g.isRunInput(name)) {
                    // ONNX's node tests feed weights at run time; a model to convert must store them.
                    throw error("input " + slot + " '" + name + "' is a graph input, so the file holds no weights"
                            + " for it; rnnport needs them stored in the model (as initializers or Constant nodes)");
                }
                NodeProto p = g.producer(name);
                throw error("input " + slot + " '" + name + "' is " + (p == null ? "not defined in the graph"
                        : "computed by " + OnnxGraph.describe(p)) + "; rnnport reads weights stored in the file (initializers)");
            }
            if (!t.dtype().isFloating()) {
                throw error("input " + slot + " '" + name + "' has element type " + t.dtype() + ", expected a float type");
            }
            // Half-precision weights widen exactly to float; the IR computes in float or double.
            return t.dtype() == DType.F16 || t.dtype() == DType.BF16 ? t.as(DType.F32) : t;
        }

        void expect(String slot, Tensor t, int... shape) {
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                String meaning = switch (slot) {
                    case "W" -> "(num_directions, " + kind.gates() + "*hidden_size, input_size)";
                    case "R" -> "(num_directions, " + kind.gates() + "*hidden_size, hidden_size)";
                    case "B" -> "(num_directions, 2*" + kind.gates() + "*hidden_size)";
                    default -> "(num_directions, 3*hidden_size)";
                };
                throw error("input " + slot + " '" + input(slot) + "' has shape " + t.shapeString() + ", expected "
                        + Shapes.format(shape) + " " + meaning + " with hidden_size " + (shape[1] / switch (slot) {
                            case "B" -> 2 * kind.gates();
                            case "P" -> 3;
                            default -> kind.gates();
                        }));
            }
        }

        /**
         * Rows of direction {@code d} starting at {@code offset} (in units of the last axis blocks),
         * regrouped so IR block k holds source block src[k]. Works for W/R [D, rows, cols] and for
         * B and P [D, rows] (cols = 1), which give 1-D tensors.
         */
        static Tensor blocks(Tensor t, int d, int offset, int count, int hidden, int cols, int[] src) {
            int perDir = t.size() / t.dim(0);
            int[] shape = t.rank() == 2 ? new int[] {count * hidden} : new int[] {count * hidden, cols};
            // Float32 weights stay floats: reading a network converts no value one by one.
            boolean floats = t.dtype() == DType.F32;
            Object in = floats ? t.toFloatArray() : t.data();
            Object out = floats ? new float[count * hidden * cols] : new double[count * hidden * cols];
            for (int k = 0; k < count; k++) {
                System.arraycopy(in, d * perDir + (offset + src[k] * hidden) * cols, out, k * hidden * cols, hidden * cols);
            }
            return floats ? Tensor.ofFloats(shape, (float[]) out) : Tensor.of(t.dtype(), shape, (double[]) out);
        }

        CellOptions options(int dirs, boolean reverseOnly, String direction) {
            int perDir = kind.activationCount();
            List<String> names = OnnxGraph.stringsAttr(n, "activations");
            List<Activation> acts = new ArrayList<>();
            if (names == null) {
                for (int d = 0; d < dirs; d++) {
                    acts.addAll(layout.defaultActivations(kind));
                }
            } else {
                if (names.size() != perDir * dirs) {
                    throw error("attribute activations has " + names.size() + " names " + names + ", expected "
                            + perDir * dirs + " (" + (perDir == 3 ? "f, g, h" : perDir == 2 ? "f, g" : "f")
                            + " per direction) for direction=" + direction);
                }
                for (String s : names) {
                    try {
                        acts.add(Activation.parse(s));
                    } catch (ModelException e) {
                        throw error("attribute activations: " + e.getMessage());
                    }
                }
            }
            // ONNX Runtime hands out alpha and beta values in order to the functions that take them.
            List<Float> alphas = OnnxGraph.floatsAttr(n, "activation_alpha");
            List<Float> betas = OnnxGraph.floatsAttr(n, "activation_beta");
            int ai = 0;
            int bi = 0;
            for (int i = 0; i < acts.size(); i++) {
                Activation a = acts.get(i);
                if (a.kind().usesAlpha() && ai < alphas.size()) {
                    a = a.withAlpha(alphas.get(ai++));
                }
                if (a.kind().usesBeta() && bi < betas.size()) {
                    a = a.withBeta(betas.get(bi++));
                }
                acts.set(i, a);
            }
            if (ai < alphas.size() || bi < betas.size()) {
                throw error("attributes activation_alpha " + alphas + " / activation_beta " + betas + " have "
                        + (alphas.size() - ai) + " / " + (betas.size() - bi) + " values more than the activations "
                        + acts + " take");
            }
            List<Activation> fwd = acts.subList(0, perDir);
            List<Activation> rev = dirs == 2 ? acts.subList(perDir, 2 * perDir) : fwd;
            double clip = CellOptions.NO_CLIP;
            AttributeProto c = OnnxGraph.attribute(n, "clip");
            if (c != null) {
                clip = c.getF();
                if (!(clip > 0)) {
                    throw error("attribute clip is " + clip + ", expected a positive threshold");
                }
            }
            long inputForget = OnnxGraph.intAttr(n, "input_forget", layout.defaultInt("input_forget"));
            long lbr = OnnxGraph.intAttr(n, "linear_before_reset", layout.defaultInt("linear_before_reset"));
            if (inputForget != 0 && inputForget != 1) {
                throw error("attribute input_forget is " + inputForget + ", expected 0 or 1");
            }
            if (lbr != 0 && lbr != 1) {
                throw error("attribute linear_before_reset is " + lbr + ", expected 0 or 1");
            }
            // linear_before_reset means nothing outside GRU; the IR's neutral value is PyTorch's (true).
            boolean linearBeforeReset = kind != CellKind.GRU || lbr == 1;
            return new CellOptions(fwd, rev, clip, inputForget == 1, linearBeforeReset, reverseOnly);
        }
    }
}

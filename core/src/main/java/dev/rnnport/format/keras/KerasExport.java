package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A network as the Keras layers that compute it: one recurrent layer per IR layer (Bidirectional
 * around it when bidirectional), with Keras's weights and config, and a Masking layer in front when
 * the network masks by value. What Keras cannot hold is refused, naming the feature, before
 * anything is written.
 *
 * <p>The IR's two biases become Keras's one ({@code b_ih + b_hh}) for LSTM, SimpleRNN and GRU with
 * reset_after=False (where the recurrent bias of the candidate sits outside the reset gate, so it
 * folds too); GRU reset_after=True keeps both rows. Inner stacked layers hand on whole sequences
 * concatenated; the last layer's return_sequences, return_state and merge_mode come from the
 * network's {@code keras.*} annotations when it was read from Keras (whole sequence and concat
 * otherwise).
 */
final class KerasExport {
    /** One direction's weights in Keras's layout; bias null without bias. */
    record KerasWeights(Tensor kernel, Tensor recurrentKernel, Tensor bias) {
    }

    /**
     * One Keras layer.
     *
     * @param className  LSTM, GRU, SimpleRNN or Bidirectional
     * @param name       the layer's name
     * @param cellClass  LSTM, GRU or SimpleRNN (the inner layer of a Bidirectional)
     * @param innerName  the inner layer's name (its own name when not Bidirectional)
     * @param config     the recurrent layer's config in Keras's key names (without name)
     * @param mergeMode  concat, sum, mul, ave or none; null when not Bidirectional
     * @param directions forward, then backward
     */
    record Layer(String className, String name, String cellClass, String innerName, Map<String, Object> config,
                 String mergeMode, List<KerasWeights> directions) {
    }

    final int inputSize;
    final Double maskValue;
    final List<Layer> layers;

    private KerasExport(int inputSize, Double maskValue, List<Layer> layers) {
        this.inputSize = inputSize;
        this.maskValue = maskValue;
        this.layers = layers;
    }

    private static final String KERAS_HAS_NO = "Keras has no ";

    /** Why a Keras of the given major version cannot hold {@code net}; empty when it can. */
    static Optional<String> refusal(RecurrentNetwork net, int kerasMajor) {
        try {
            of(net, kerasMajor, "Keras");
            return Optional.empty();
        } catch (ModelException e) {
            String m = e.getMessage();
            return Optional.of(m.substring(m.indexOf(KERAS_HAS_NO)));
        }
    }

    /** The layers of {@code net} for a Keras of the given major version (2: tf.keras .h5, 3: .keras). */
    static KerasExport of(RecurrentNetwork net, int kerasMajor, String format) {
        NetworkConfig c = net.config();
        CellOptions o = c.options();
        String refuse = null;
        if (c.projSize() > 0) {
            refuse = "LSTM projection (proj_size=" + c.projSize() + ")";
        } else if (net.hasPeepholes()) {
            refuse = "LSTM peepholes";
        } else if (o.hasClip()) {
            refuse = "cell clip " + o.clip();
        } else if (o.inputForget()) {
            refuse = "input_forget (coupled input and forget gates)";
        } else if (c.bidirectional() && !o.reverseActivations().equals(o.forwardActivations())) {
            refuse = "different activations per direction " + o.forwardActivations() + " / " + o.reverseActivations();
        } else if (o.reverseOnly() && c.numLayers() > 1) {
            refuse = "a reverse-only stack of " + c.numLayers() + " layers (go_backwards hands on reversed outputs,"
                    + " so stacked go_backwards layers compute something else)";
        }
        List<Activation> acts = o.forwardActivations();
        String activation = null;
        String recurrentActivation = null;
        if (refuse == null) {
            if (c.cell() == CellKind.LSTM && !acts.get(1).equals(acts.get(2))) {
                refuse = "different candidate and cell-output activations " + acts.get(1) + " / " + acts.get(2)
                        + " (Keras's LSTM uses one activation for both)";
            } else {
                activation = KerasActivations.nameOf(acts.get(c.cell().isRnn() ? 0 : 1), kerasMajor);
                recurrentActivation = c.cell().isRnn() ? "" : KerasActivations.nameOf(acts.get(0), kerasMajor);
                if (activation == null || recurrentActivation == null) {
                    refuse = "activations " + acts + " (Keras " + kerasMajor + " names sigmoid, tanh, relu, hard_sigmoid"
                            + (kerasMajor >= 3 ? " = clip(x/6 + 0.5)" : " = clip(0.2x + 0.5)")
                            + ", linear, softsign, softplus, elu)";
                }
            }
        }
        Masking m = o.masking();
        Double maskValue = null;
        Map<String, String> notes = net.annotations();
        boolean lastReturnsSequences = !"false".equals(notes.get("keras.return_sequences"));
        if (refuse == null && !m.isPyTorchLike()) {
            MaskedSteps kerasSteps = c.bidirectional() && lastReturnsSequences ? MaskedSteps.ZERO_OUTPUT : MaskedSteps.CARRY_OUTPUT;
            if (m.maskValue() == null) {
                refuse = "masking given with the run (" + m + "): a Keras file holds a mask only as the layer that makes it";
            } else if (m.steps() != kerasSteps) {
                refuse = "masking that " + m + " (a Keras " + (c.bidirectional() ? "Bidirectional" : "recurrent")
                        + " layer " + (kerasSteps == MaskedSteps.ZERO_OUTPUT ? "outputs zeros" : "repeats the previous output")
                        + " at masked steps)";
            } else {
                maskValue = m.maskValue();
            }
        }
        if (refuse != null) {
            throw new ModelException(RnnportException.Kind.UNSUPPORTED, "cannot write " + format + ": " + KERAS_HAS_NO + refuse);
        }
        String cellClass = switch (c.cell()) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            default -> "SimpleRNN";
        };
        String base = cellClass.equals("SimpleRNN") ? "simple_rnn" : cellClass.toLowerCase(Locale.ROOT);
        List<String> names = layerNames(notes, c, base);
        String lastMerge = notes.getOrDefault("keras.merge_mode", "concat");
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < c.numLayers(); k++) {
            boolean last = k == c.numLayers() - 1;
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("return_sequences", !last || lastReturnsSequences);
            cfg.put("return_state", last && "true".equals(notes.get("keras.return_state")));
            cfg.put("go_backwards", o.reverseOnly());
            cfg.put("stateful", false);
            cfg.put("unroll", false);
            cfg.put("units", c.hiddenSize());
            cfg.put("activation", activation);
            if (!c.cell().isRnn()) {
                cfg.put("recurrent_activation", recurrentActivation);
            }
            cfg.put("use_bias", c.bias());
            if (c.cell() == CellKind.LSTM) {
                cfg.put("unit_forget_bias", true);
            }
            cfg.put("dropout", 0.0);
            cfg.put("recurrent_dropout", 0.0);
            if (c.cell() == CellKind.GRU) {
                cfg.put("reset_after", o.linearBeforeReset());
            }
            List<KerasWeights> dirs = new ArrayList<>();
            for (int d = 0; d < c.directions(); d++) {
                dirs.add(weights(net.weights(k, d == 1), c));
            }
            String suffix = k == 0 ? "" : "_" + k;
            String name = names.get(k);
            if (c.bidirectional()) {
                layers.add(new Layer("Bidirectional", name, cellClass, base + suffix, cfg, last ? lastMerge : "concat", dirs));
            } else {
                layers.add(new Layer(cellClass, name, cellClass, name, cfg, null, dirs));
            }
        }
        return new KerasExport(c.inputSize(), maskValue, layers);
    }

    /** The Keras layer names: those the network was read with, else Keras's defaults (lstm, lstm_1, ...). */
    private static List<String> layerNames(Map<String, String> notes, NetworkConfig c, String base) {
        String read = notes.get("keras.layers");
        if (read != null && read.split(",").length == c.numLayers()) {
            return List.of(read.split(","));
        }
        List<String> names = new ArrayList<>();
        String stem = c.bidirectional() ? "bidirectional" : base;
        for (int k = 0; k < c.numLayers(); k++) {
            names.add(k == 0 ? stem : stem + "_" + k);
        }
        return names;
    }

    private static KerasWeights weights(DirectionWeights w, NetworkConfig c) {
        CellKind cell = c.cell();
        int h = c.hiddenSize();
        Tensor kernel = toKeras(w.wIh(), cell, h);
        Tensor recurrent = toKeras(w.wHh(), cell, h);
        Tensor bias = null;
        if (w.bIh() != null) {
            DType dt = storage(w.bIh().dtype());
            if (cell == CellKind.GRU && c.options().linearBeforeReset()) {
                Tensor in = toKerasVector(w.bIh(), cell, h);
                Tensor rec = toKerasVector(w.bHh(), cell, h);
                double[] both = new double[2 * in.size()];
                System.arraycopy(in.data(), 0, both, 0, in.size());
                System.arraycopy(rec.data(), 0, both, in.size(), in.size());
                bias = Tensor.of(dt, new int[] {2, in.size()}, both);
            } else {
                double[] sum = new double[w.bIh().size()];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = w.bIh().data()[i] + w.bHh().data()[i];
                }
                bias = toKerasVector(Tensor.of(dt, new int[] {sum.length}, sum), cell, h);
            }
        }
        return new KerasWeights(kernel, recurrent, bias);
    }

    /** Keras stores float32 unless the network is float64. */
    private static DType storage(DType d) {
        return d == DType.F64 ? DType.F64 : DType.F32;
    }

    /** IR (G*H, cols) in PyTorch's gate order to Keras (cols, G*H) in Keras's. */
    static Tensor toKeras(Tensor w, CellKind cell, int units) {
        int[] src = KerasLayout.get().irGateSources(cell);
        int cols = w.dim(1);
        int gh = cell.gates() * units;
        double[] out = new double[cols * gh];
        for (int b = 0; b < src.length; b++) {
            for (int j = 0; j < units; j++) {
                int irRow = b * units + j;
                int kerasCol = src[b] * units + j;
                for (int r = 0; r < cols; r++) {
                    out[r * gh + kerasCol] = w.data()[irRow * cols + r];
                }
            }
        }
        return Tensor.of(storage(w.dtype()), new int[] {cols, gh}, out);
    }

    static Tensor toKerasVector(Tensor v, CellKind cell, int units) {
        int[] src = KerasLayout.get().irGateSources(cell);
        double[] out = new double[v.size()];
        for (int b = 0; b < src.length; b++) {
            System.arraycopy(v.data(), b * units, out, src[b] * units, units);
        }
        return Tensor.of(storage(v.dtype()), new int[] {out.length}, out);
    }
}

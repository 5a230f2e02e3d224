package dev.rnnport.format.statedict;

import dev.rnnport.ModelException;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.ParameterNames;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds nn.LSTM / nn.GRU / nn.RNN modules in a PyTorch state dict by their parameter names, and
 * writes a network back as one. A state dict carries no config, so it is inferred: the cell from
 * weight_hh's rows per hidden unit (4 LSTM, 3 GRU, 1 RNN), layers and directions from the names,
 * proj_size from weight_hr; batch_first, nonlinearity and dropout come from {@code metadata}
 * (what we write into safetensors) or from the user's flags.
 */
public final class StateDictNetworks {
    /** Metadata keys we write and read. */
    public static final String BATCH_FIRST = "batch_first";
    public static final String NONLINEARITY = "nonlinearity";
    public static final String DROPOUT = "dropout";

    private static final Pattern WEIGHT_IH = Pattern.compile("^(.*?)weight_ih_l(\\d+)(_reverse)?$");

    private StateDictNetworks() {
    }

    /**
     * Every recurrent module in {@code tensors}, named by its key prefix, in the order first seen.
     *
     * @param source the file, for messages
     */
    public static List<NamedNetwork> find(Map<String, Tensor> tensors, Map<String, String> metadata, String source) {
        Map<String, Integer> layersByPrefix = new LinkedHashMap<>();
        for (String key : tensors.keySet()) {
            Matcher m = WEIGHT_IH.matcher(key);
            if (m.matches()) {
                layersByPrefix.merge(m.group(1), Integer.parseInt(m.group(2)) + 1, Math::max);
            }
        }
        List<NamedNetwork> found = new ArrayList<>();
        for (Map.Entry<String, Integer> e : layersByPrefix.entrySet()) {
            String prefix = e.getKey();
            try {
                found.add(new NamedNetwork(prefix, build(tensors, prefix, e.getValue(), metadata), notRecorded(metadata)));
            } catch (ModelException ex) {
                throw new ModelException(source + ": " + (prefix.isEmpty() ? "" : "network '" + prefix + "': ")
                        + ex.getMessage(), ex);
            }
        }
        return found;
    }

    /** The settings {@code metadata} leaves unsaid, for which the network holds PyTorch's defaults. */
    private static Set<NamedNetwork.Setting> notRecorded(Map<String, String> metadata) {
        EnumSet<NamedNetwork.Setting> s = EnumSet.noneOf(NamedNetwork.Setting.class);
        for (NamedNetwork.Setting setting : NamedNetwork.Setting.values()) {
            if (!metadata.containsKey(setting.key())) {
                s.add(setting);
            }
        }
        return s;
    }

    private static RecurrentNetwork build(Map<String, Tensor> t, String prefix, int layers, Map<String, String> metadata) {
        Tensor wHh0 = require(t, prefix, ParameterNames.weightHh(0, false));
        Tensor wIh0 = require(t, prefix, ParameterNames.weightIh(0, false));
        Tensor wHr0 = t.get(prefix + ParameterNames.weightHr(0, false));
        if (wHh0.rank() != 2 || wIh0.rank() != 2) {
            throw new ModelException("tensor " + prefix + "weight_hh_l0 has shape " + wHh0.shapeString()
                    + " and weight_ih_l0 " + wIh0.shapeString() + ", expected two matrices");
        }
        int rows = wHh0.dim(0);
        int hidden;
        int projSize = 0;
        if (wHr0 != null) {
            if (wHr0.rank() != 2) {
                throw new ModelException("tensor " + prefix + "weight_hr_l0 has shape " + wHr0.shapeString() + ", expected (proj_size, hidden_size)");
            }
            projSize = wHr0.dim(0);
            hidden = wHr0.dim(1);
        } else {
            hidden = wHh0.dim(1);
        }
        if (hidden == 0 || rows % hidden != 0) {
            throw new ModelException("tensor " + prefix + "weight_hh_l0 has shape " + wHh0.shapeString()
                    + ": its rows are not 4, 3 or 1 times hidden_size " + hidden);
        }
        CellKind cell = switch (rows / hidden) {
            case 4 -> CellKind.LSTM;
            case 3 -> CellKind.GRU;
            case 1 -> nonlinearity(metadata);
            default -> throw new ModelException("tensor " + prefix + "weight_hh_l0 has shape " + wHh0.shapeString()
                    + ": " + rows + " rows is not 4 (LSTM), 3 (GRU) or 1 (RNN) times hidden_size " + hidden);
        };
        boolean bidirectional = t.containsKey(prefix + ParameterNames.weightIh(0, true));
        boolean bias = t.containsKey(prefix + ParameterNames.biasIh(0, false));
        NetworkConfig config = new NetworkConfig(cell, wIh0.dim(1), hidden, layers, bias,
                batchFirst(metadata), dropout(metadata), bidirectional, projSize,
                CellOptions.defaults(cell));
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (int d = 0; d < config.directions(); d++) {
                boolean rev = d == 1;
                weights.add(new DirectionWeights(
                        require(t, prefix, ParameterNames.weightIh(layer, rev)),
                        require(t, prefix, ParameterNames.weightHh(layer, rev)),
                        bias ? require(t, prefix, ParameterNames.biasIh(layer, rev)) : null,
                        bias ? require(t, prefix, ParameterNames.biasHh(layer, rev)) : null,
                        projSize > 0 ? require(t, prefix, ParameterNames.weightHr(layer, rev)) : null,
                        null));
            }
        }
        return new RecurrentNetwork(config, weights);
    }

    /*
     * The settings read from metadata: a value that is not one the writer could have written is refused
     * naming the key, rather than read as a default (Boolean.parseBoolean("yes") is false).
     */

    private static boolean batchFirst(Map<String, String> metadata) {
        String v = metadata.getOrDefault(BATCH_FIRST, "false").strip();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ModelException("__metadata__ " + BATCH_FIRST + " is '" + v + "', expected true or false");
        }
        return Boolean.parseBoolean(v);
    }

    private static double dropout(Map<String, String> metadata) {
        String v = metadata.getOrDefault(DROPOUT, "0").strip();
        double p;
        try {
            p = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ModelException("__metadata__ " + DROPOUT + " is '" + v + "', expected a probability in [0, 1)");
        }
        if (!(p >= 0 && p < 1)) {
            throw new ModelException("__metadata__ " + DROPOUT + " is " + v + ", expected a probability in [0, 1)");
        }
        return p;
    }

    private static CellKind nonlinearity(Map<String, String> metadata) {
        String v = metadata.getOrDefault(NONLINEARITY, "tanh").strip();
        if (v.equalsIgnoreCase("tanh")) {
            return CellKind.RNN_TANH;
        }
        if (v.equalsIgnoreCase("relu")) {
            return CellKind.RNN_RELU;
        }
        throw new ModelException("__metadata__ " + NONLINEARITY + " is '" + v + "', expected tanh or relu");
    }

    private static Tensor require(Map<String, Tensor> t, String prefix, String name) {
        Tensor x = t.get(prefix + name);
        if (x == null) {
            throw new ModelException("tensor " + prefix + name + " is missing");
        }
        return x;
    }

    /**
     * The network as nn.LSTM/GRU/RNN's state_dict() would hold it, keys in PyTorch's order.
     *
     * @param format named in the refusal when the network has features PyTorch lacks
     */
    public static LinkedHashMap<String, Tensor> toStateDict(RecurrentNetwork net, String prefix, String format) {
        PyTorchCompatibility.check(net, format);
        NetworkConfig c = net.config();
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (int d = 0; d < c.directions(); d++) {
                boolean rev = d == 1;
                DirectionWeights w = net.weights(layer, rev);
                out.put(prefix + ParameterNames.weightIh(layer, rev), w.wIh());
                out.put(prefix + ParameterNames.weightHh(layer, rev), w.wHh());
                if (c.bias()) {
                    out.put(prefix + ParameterNames.biasIh(layer, rev), w.bIh());
                    out.put(prefix + ParameterNames.biasHh(layer, rev), w.bHh());
                }
                if (c.projSize() > 0) {
                    out.put(prefix + ParameterNames.weightHr(layer, rev), w.wHr());
                }
            }
        }
        return out;
    }

    /** The settings a state dict cannot carry, as safetensors metadata strings (sorted). */
    public static Map<String, String> metadata(RecurrentNetwork net) {
        NetworkConfig c = net.config();
        Map<String, String> m = new TreeMap<>();
        m.put(BATCH_FIRST, Boolean.toString(c.batchFirst()));
        m.put(DROPOUT, Double.toString(c.dropout()));
        if (c.cell().isRnn()) {
            m.put(NONLINEARITY, c.cell() == CellKind.RNN_RELU ? "relu" : "tanh");
        }
        return m;
    }
}

package dev.rnnport.format.keras;

import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.keras.KerasExport.KerasWeights;
import dev.rnnport.format.keras.KerasExport.Layer;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a network as a Keras {@code .h5} full model in the layout tf.keras 2.x's
 * {@code model.save("x.h5")} gives: root attributes {@code model_config} (a Sequential of an
 * InputLayer, a Masking layer when the network masks by value, and one recurrent layer per IR
 * layer), {@code keras_version} and {@code backend}; {@code model_weights/} with
 * {@code layer_names}, and per layer a group with {@code weight_names} and the datasets
 * {@code <layer>/<cell>/kernel:0}, {@code recurrent_kernel:0}, {@code bias:0} (Bidirectional:
 * {@code <layer>/forward_<inner>/<cell>/...} then {@code backward_<inner>}). A Masking layer is
 * listed with an empty {@code weight_names}, as Keras lists every layer.
 */
public final class KerasH5Writer implements FormatWriter {

    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        return KerasExport.refusal(network, 2);
    }

    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException {
        KerasExport export = KerasExport.of(network, 2, "Keras .h5");
        KerasLayout t = KerasLayout.get();
        String version = t.word("h5.keras_version");
        String backend = t.word("h5.backend");
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        root.attribute("backend", backend);
        root.attribute("keras_version", version);
        root.attribute("model_config", KerasJson.write(modelConfig(export, version, backend)));
        Hdf5Writer.Group weights = root.group("model_weights");
        weights.attribute("backend", backend);
        weights.attribute("keras_version", version);
        List<String> layerNames = new ArrayList<>();
        if (export.maskValue != null) {
            layerNames.add("masking");
            weights.group("masking").attribute("weight_names", List.of());
        }
        export.layers.forEach(l -> layerNames.add(l.name()));
        weights.attribute("layer_names", layerNames);
        for (Layer l : export.layers) {
            Hdf5Writer.Group g = weights.group(l.name());
            List<String> names = new ArrayList<>();
            for (int d = 0; d < l.directions().size(); d++) {
                String prefix = l.className().equals("Bidirectional")
                        ? l.name() + "/" + (d == 0 ? "forward_" : "backward_") + l.innerName() : l.name();
                String scope = prefix + "/" + cellName(l.cellClass()) + "/";
                KerasWeights w = l.directions().get(d);
                names.add(scope + "kernel:0");
                g.dataset(scope + "kernel:0", w.kernel());
                names.add(scope + "recurrent_kernel:0");
                g.dataset(scope + "recurrent_kernel:0", w.recurrentKernel());
                if (w.bias() != null) {
                    names.add(scope + "bias:0");
                    g.dataset(scope + "bias:0", w.bias());
                }
            }
            g.attribute("weight_names", names);
        }
        byte[] bytes = Hdf5Writer.write(root);
        AtomicFiles.write(file, bytes);
    }

    static String cellName(String cellClass) {
        return switch (cellClass) {
            case "LSTM" -> "lstm_cell";
            case "GRU" -> "gru_cell";
            default -> "simple_rnn_cell";
        };
    }

    private static Map<String, Object> modelConfig(KerasExport export, String version, String backend) {
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_input_shape", Arrays.asList(null, null, export.inputSize));
        input.put("dtype", "float32");
        input.put("sparse", false);
        input.put("ragged", false);
        input.put("name", "input_1");
        layers.add(entry("InputLayer", input));
        if (export.maskValue != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "masking");
            m.put("trainable", true);
            m.put("dtype", "float32");
            m.put("mask_value", export.maskValue);
            layers.add(entry("Masking", m));
        }
        for (Layer l : export.layers) {
            layers.add(layerConfig(l));
        }
        Map<String, Object> seq = new LinkedHashMap<>();
        seq.put("name", "sequential");
        seq.put("layers", layers);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("class_name", "Sequential");
        model.put("config", seq);
        model.put("keras_version", version);
        model.put("backend", backend);
        return model;
    }

    private static Map<String, Object> layerConfig(Layer l) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("name", l.innerName());
        inner.put("trainable", true);
        inner.put("dtype", "float32");
        inner.putAll(l.config());
        inner.put("time_major", false);
        if (!l.className().equals("Bidirectional")) {
            return entry(l.cellClass(), inner);
        }
        Map<String, Object> bi = new LinkedHashMap<>();
        bi.put("name", l.name());
        bi.put("trainable", true);
        bi.put("dtype", "float32");
        bi.put("layer", entry(l.cellClass(), inner));
        bi.put("merge_mode", l.mergeMode().equals("none") ? null : l.mergeMode());
        return entry("Bidirectional", bi);
    }

    private static Map<String, Object> entry(String className, Map<String, Object> config) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("class_name", className);
        e.put("config", config);
        return e;
    }
}

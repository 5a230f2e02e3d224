package dev.rnnport.format.keras;

import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.keras.KerasExport.KerasWeights;
import dev.rnnport.format.keras.KerasExport.Layer;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a network as a Keras 3 {@code .keras} archive: {@code metadata.json}, {@code config.json}
 * (a Sequential in Keras 3's serialisation) and {@code model.weights.h5} in saving_lib's layout
 * ({@code layers/<class>/cell/vars/0..2}, empty {@code vars} groups for objects without variables of
 * their own). hard_sigmoid is Keras 3's, clip(x/6 + 0.5, 0, 1).
 */
public final class KerasZipWriter implements FormatWriter {

    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        return KerasExport.refusal(network, 3);
    }

    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException {
        KerasExport export = KerasExport.of(network, 3, "Keras .keras");
        String version = KerasLayout.get().word("keras3.keras_version");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("keras_version", version);
        metadata.put("date_saved", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
        byte[] config = KerasJson.write(config(export)).getBytes(StandardCharsets.UTF_8);
        byte[] weights = Hdf5Writer.write(weights(export));
        // The archive is built in memory: closing a ZipOutputStream closes the stream under it,
        // which belongs to AtomicFiles.
        java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(archive)) {
            put(zip, KerasArchive.METADATA, KerasJson.write(metadata).getBytes(StandardCharsets.UTF_8));
            put(zip, KerasArchive.CONFIG, config);
            put(zip, KerasArchive.WEIGHTS, weights);
        }
        AtomicFiles.write(file, archive.toByteArray());
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static Hdf5Writer.Group weights(KerasExport export) {
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        Hdf5Writer.Group layers = root.group("layers");
        List<String> parts = KerasLayout.get().words("keras3.bidirectional");
        Map<String, Integer> used = new LinkedHashMap<>();
        if (export.maskValue != null) {
            layers.group(name(used, "Masking")).group("vars");
        }
        for (Layer l : export.layers) {
            Hdf5Writer.Group g = layers.group(name(used, l.className()));
            boolean bi = l.className().equals("Bidirectional");
            for (int d = 0; d < l.directions().size(); d++) {
                Hdf5Writer.Group rnn = bi ? g.group(parts.get(d)) : g;
                Hdf5Writer.Group vars = rnn.group("cell").group("vars");
                KerasWeights w = l.directions().get(d);
                vars.dataset("0", w.kernel());
                vars.dataset("1", w.recurrentKernel());
                if (w.bias() != null) {
                    vars.dataset("2", w.bias());
                }
                rnn.group("vars");
            }
            if (bi) {
                g.group("vars");
            }
        }
        root.group("vars");
        return root;
    }

    private static String name(Map<String, Integer> used, String className) {
        String base = KerasZipReader.snakeCase(className);
        int n = used.merge(base, 1, Integer::sum) - 1;
        return n == 0 ? base : base + "_" + n;
    }

    private static Map<String, Object> config(KerasExport export) {
        List<Object> layers = new ArrayList<>();
        List<Object> shape = Arrays.asList(null, null, export.inputSize);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_shape", shape);
        input.put("dtype", "float32");
        input.put("sparse", false);
        input.put("name", "input_layer");
        layers.add(entry("InputLayer", input, null));
        if (export.maskValue != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "masking");
            m.put("trainable", true);
            m.put("dtype", "float32");
            m.put("mask_value", export.maskValue);
            layers.add(entry("Masking", m, shape));
        }
        int width = export.inputSize;
        for (Layer l : export.layers) {
            List<Object> in = Arrays.asList(null, null, width);
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("name", l.innerName());
            inner.put("trainable", true);
            inner.put("dtype", "float32");
            inner.putAll(l.config());
            if (l.className().equals("Bidirectional")) {
                Map<String, Object> bi = new LinkedHashMap<>();
                bi.put("name", l.name());
                bi.put("trainable", true);
                bi.put("dtype", "float32");
                bi.put("merge_mode", l.mergeMode().equals("none") ? null : l.mergeMode());
                bi.put("layer", entry(l.cellClass(), inner, null));
                layers.add(entry("Bidirectional", bi, in));
                width = 2 * ((Number) l.config().get("units")).intValue();
            } else {
                layers.add(entry(l.cellClass(), inner, in));
                width = ((Number) l.config().get("units")).intValue();
            }
        }
        Map<String, Object> seq = new LinkedHashMap<>();
        seq.put("name", "sequential");
        seq.put("trainable", true);
        seq.put("dtype", "float32");
        seq.put("layers", layers);
        Map<String, Object> model = entry("Sequential", seq, shape);
        model.put("module", "keras");
        model.put("compile_config", null);
        return model;
    }

    private static Map<String, Object> entry(String className, Map<String, Object> config, List<Object> inputShape) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("module", "keras.layers");
        e.put("class_name", className);
        e.put("config", config);
        e.put("registered_name", null);
        if (inputShape != null) {
            e.put("build_config", Map.of("input_shape", inputShape));
        }
        return e;
    }
}

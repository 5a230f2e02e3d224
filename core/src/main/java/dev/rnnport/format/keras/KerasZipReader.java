package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.keras.KerasModelConfig.KerasLayer;
import dev.rnnport.format.keras.RecurrentLayer.Variable;
import dev.rnnport.util.Json;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Keras 3 {@code .keras} archive. Keras 3 addresses a layer's weights not by its name but
 * by its class in snake case, numbered per class in model order ({@code layers/lstm},
 * {@code layers/lstm_1}; saving_lib's {@code _save_container_state}); a recurrent layer's
 * variables are its cell's, {@code layers/lstm/cell/vars/0..2} = kernel, recurrent_kernel, bias, and
 * Bidirectional nests {@code forward_layer} and {@code backward_layer}.
 */
public final class KerasZipReader implements FormatReader {

    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        Map<String, byte[]> entries = KerasArchive.read(file);
        String version = null;
        if (entries.containsKey(KerasArchive.METADATA)) {
            try {
                if (Json.parse(new String(entries.get(KerasArchive.METADATA), StandardCharsets.UTF_8)) instanceof Map<?, ?> m
                        && m.get("keras_version") instanceof String v) {
                    version = v;
                }
            } catch (IllegalArgumentException e) {
                throw new ModelException(file + ": metadata.json is not valid JSON (" + e.getMessage() + ")");
            }
        }
        String where = file.toString();
        KerasModelConfig model = KerasModelConfig.parse(new String(entries.get(KerasArchive.CONFIG), StandardCharsets.UTF_8),
                version == null ? "3" : version, where + " (config.json)");
        Map<String, String> paths = weightPaths(model);
        HdfFile h5;
        try {
            h5 = HdfFile.fromBytes(entries.get(KerasArchive.WEIGHTS));
        } catch (RuntimeException e) {
            throw new ModelException(file + ": model.weights.h5 is not a readable HDF5 file (" + Hdf5.reason(e) + ")", e);
        }
        try (h5) {
            return KerasNetworks.build(model, layer -> variables(h5, paths.get(layer.name()), layer, where), where);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelException(file + ": damaged model.weights.h5 (" + Hdf5.reason(e) + ")", e);
        }
    }

    /** Each layer's weight path, as Keras 3 numbers them: snake_case class name, then _1, _2 ... */
    static Map<String, String> weightPaths(KerasModelConfig model) {
        Map<String, Integer> used = new HashMap<>();
        Map<String, String> paths = new HashMap<>();
        for (KerasLayer l : model.layers()) {
            String base = snakeCase(l.className());
            int n = used.merge(base, 1, Integer::sum) - 1;
            paths.put(l.name(), "layers/" + (n == 0 ? base : base + "_" + n));
        }
        return paths;
    }

    /** keras.src.utils.naming.to_snake_case. */
    static String snakeCase(String name) {
        String s = name.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Variable> variables(HdfFile h5, String path, KerasLayer layer, String where) {
        List<String> roles = KerasLayout.get().words("keras3.cell.vars");
        List<Variable> vars = new ArrayList<>();
        List<String> parts = layer.className().equals("Bidirectional")
                ? KerasLayout.get().words("keras3.bidirectional") : List.of("");
        for (String part : parts) {
            String cell = path + (part.isEmpty() ? "" : "/" + part) + "/cell/vars";
            Node g = Hdf5.find(h5, cell);
            if (!(g instanceof io.jhdf.api.Group group)) {
                throw new ModelException(where + ": no weights for layer '" + layer.name() + "' (no group " + cell
                        + " in model.weights.h5)");
            }
            for (int i = 0; ; i++) {
                Node n = group.getChildren().get(Integer.toString(i));
                if (n == null) {
                    break;
                }
                if (!(n instanceof Dataset d) || i >= roles.size()) {
                    throw new ModelException(where + ": unexpected weight " + cell + "/" + i + " of layer '" + layer.name() + "'");
                }
                vars.add(new Variable((part.isEmpty() ? "" : part + "/") + roles.get(i), Hdf5.tensor(d)));
            }
        }
        return vars;
    }
}

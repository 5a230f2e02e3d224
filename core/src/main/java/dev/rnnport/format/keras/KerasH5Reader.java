package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.keras.KerasModelConfig.KerasLayer;
import dev.rnnport.format.keras.RecurrentLayer.Variable;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the recurrent networks of a Keras {@code .h5} file, from every era: Keras 1 (per-gate
 * {@code W_i, U_i, b_i} datasets), Keras 2 and tf.keras ({@code kernel}, {@code recurrent_kernel},
 * {@code bias}, with or without {@code :0}).
 *
 * <p>A full model holds its architecture in the root attribute {@code model_config} and its weights
 * under {@code model_weights/}. A weights-only file ({@code model.save_weights}) holds the weights at
 * its root and no architecture: the architecture is then read from the JSON config
 * ({@code model.to_json()}) beside it, found by name: for {@code X_weights.h5} the first of
 * {@code X_config.json}, {@code X.json}, {@code X_weights_config.json}, {@code X_weights.json}.
 */
public final class KerasH5Reader implements FormatReader {

    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        try (HdfFile h5 = Hdf5.open(file)) {
            try {
                return read(file, h5);
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelException(file + ": damaged HDF5 content (" + Hdf5.reason(e) + ")", e);
            }
        }
    }

    private static List<NamedNetwork> read(Path file, HdfFile h5) throws IOException {
        String where = file.toString();
        String json = Hdf5.stringAttribute(h5, "model_config");
        Group weightsRoot;
        if (json != null) {
            Node mw = Hdf5.find(h5, "model_weights");
            if (!(mw instanceof Group g)) {
                throw new ModelException(where + ": a Keras model file (it has model_config) without the group model_weights");
            }
            weightsRoot = g;
        } else {
            Path config = siblingConfig(file);
            if (config == null) {
                throw new ModelException(where + ": not a Keras model file (no model_config attribute); for a weights-only"
                        + " file put its JSON config (model.to_json()) beside it as " + configCandidates(file).get(0).getFileName());
            }
            json = Files.readString(config, StandardCharsets.UTF_8);
            where = file + " (with " + config.getFileName() + ")";
            weightsRoot = h5;
        }
        String version = Hdf5.stringAttribute(h5, "keras_version");
        if (version == null) {
            version = Hdf5.stringAttribute(weightsRoot, "keras_version");
        }
        KerasModelConfig model = KerasModelConfig.parse(json, version, where);
        String at = where;
        return KerasNetworks.build(model, layer -> variables(weightsRoot, layer, at), where);
    }

    /** A layer's weights, in the order its {@code weight_names} attribute lists them. */
    private static List<Variable> variables(Group root, KerasLayer layer, String where) {
        Node g = root.getChildren().get(layer.name());
        if (!(g instanceof Group group)) {
            throw new ModelException(where + ": no weights for layer '" + layer.name() + "' (no group "
                    + Hdf5.pathOf(root) + (Hdf5.pathOf(root).endsWith("/") ? "" : "/") + layer.name() + ")");
        }
        Set<String> names = new LinkedHashSet<>(List.of(Hdf5.stringsAttribute(group, "weight_names")));
        if (names.isEmpty()) {
            collect(group, "", names);
        }
        List<Variable> vars = new ArrayList<>();
        for (String name : names) {
            Node n = Hdf5.find(group, name);
            if (!(n instanceof Dataset d)) {
                throw new ModelException(where + ": layer '" + layer.name() + "' lists weight '" + name
                        + "' but " + Hdf5.pathOf(group) + "/" + name + " is not a dataset");
            }
            vars.add(new Variable(name, Hdf5.tensor(d)));
        }
        return vars;
    }

    /** Every dataset below a group, for files whose layer groups carry no weight_names. */
    private static void collect(Group g, String prefix, Set<String> names) {
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group sub) {
                collect(sub, prefix + n.getName() + "/", names);
            } else if (n instanceof Dataset) {
                names.add(prefix + n.getName());
            }
        }
    }

    private static Path siblingConfig(Path file) {
        for (Path p : configCandidates(file)) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<Path> configCandidates(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        List<Path> c = new ArrayList<>();
        if (stem.endsWith("_weights")) {
            String base = stem.substring(0, stem.length() - "_weights".length());
            c.add(file.resolveSibling(base + "_config.json"));
            c.add(file.resolveSibling(base + ".json"));
        }
        c.add(file.resolveSibling(stem + "_config.json"));
        c.add(file.resolveSibling(stem + ".json"));
        return c;
    }
}

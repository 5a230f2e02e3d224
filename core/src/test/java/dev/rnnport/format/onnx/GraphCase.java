package dev.rnnport.format.onnx;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One network of testmodels/onnx-graphs (made by testmodels/generate/make_onnx_graphs.py with
 * Debian's onnx): the model file, the network's name, and the folder with its input, initial
 * states and expected outputs computed in numpy float64 from ONNX's equations.
 */
public record GraphCase(Path model, String network, String cell, Path refs) {
    public static final Path ROOT = Path.of("testmodels", "onnx-graphs");

    /** Every case of cases.json. */
    public static List<GraphCase> all() {
        try {
            List<?> cases = (List<?>) Json.parse(Files.readString(ROOT.resolve("cases.json")));
            return cases.stream().map(c -> (Map<?, ?>) c).map(m -> new GraphCase(ROOT.resolve((String) m.get("model")),
                    (String) m.get("network"), (String) m.get("cell"), ROOT.resolve((String) m.get("refs")))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GraphCase named(String model, String network) {
        return all().stream().filter(c -> c.model.endsWith(model) && c.network.equals(network)).findFirst().orElseThrow();
    }

    public RecurrentNetwork load() {
        return dev.rnnport.Networks.load(model, new LoadOptions(network, null, null));
    }

    public RunInputs inputs() {
        return new RunInputs(npy("input.npy"), npy("h0.npy"), npy("c0.npy"), null);
    }

    /** A reference file, or null when this case has none (c_n of a GRU). */
    public Tensor npy(String name) {
        Path p = refs.resolve(name);
        try {
            return Files.exists(p) ? Npy.read(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return model.getFileName() + " " + network;
    }
}

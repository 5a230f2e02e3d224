package dev.rnnport.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Weights;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.CellKind;
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
import java.util.stream.Stream;

/**
 * One folder of the PyTorch reference grid (testmodels/grid, made with real PyTorch by
 * testmodels/generate/make_grid.py): the module's settings, what it was run on and its results.
 */
public record GridCase(Path dir, Map<?, ?> config) {
    public static final Path GRID = Path.of("testmodels", "grid");

    /** Every case, sorted by name; fails when the grid is missing, since the tests then prove nothing. */
    public static List<GridCase> all() {
        List<GridCase> cases;
        try (Stream<Path> s = Files.list(GRID)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().map(GridCase::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(cases.size() >= 30, "expected at least 30 grid cases under " + GRID.toAbsolutePath() + ", found " + cases.size());
        return cases;
    }

    public static GridCase read(Path dir) {
        try {
            return new GridCase(dir, (Map<?, ?>) Json.parse(Files.readString(dir.resolve("config.json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public CellKind cell() {
        return CellKind.valueOf((String) config.get("cell"));
    }

    public boolean batchFirst() {
        return (Boolean) config.get("batch_first");
    }

    public boolean hasLengths() {
        return (Boolean) config.get("has_lengths");
    }

    public boolean hasOnnxExport() {
        return Files.isRegularFile(dir.resolve("model.onnx"));
    }

    /** The state dict, loaded with the settings a user passes for a file without metadata. */
    public RecurrentNetwork network() {
        CellKind nonlinearity = cell().isRnn() ? cell() : null;
        return Weights.load(dir.resolve("model.safetensors"), new LoadOptions(null, batchFirst(), nonlinearity));
    }

    /** What PyTorch was run on. */
    public RunInputs inputs() {
        RunInputs in = RunInputs.of(npy("input.npy"));
        if ((Boolean) config.get("has_h0")) {
            in = in.withH0(npy("h0.npy"));
            if (cell() == CellKind.LSTM) {
                in = in.withC0(npy("c0.npy"));
            }
        }
        if (hasLengths()) {
            in = in.withLengths(npy("lengths.npy"));
        }
        return in;
    }

    public Tensor npy(String file) {
        try {
            return Npy.read(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

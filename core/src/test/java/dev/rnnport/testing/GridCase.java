package dev.rnnport.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * One folder of the PyTorch reference grid (testmodels/grid, made with real PyTorch by
 * testmodels/generate/make_grid.py): the module's settings (config.json), its weights
 * (model.safetensors, model.pt, model_legacy.pt and, where torch.onnx.export could, model.onnx),
 * what it was run on (input.npy and, when given, h0.npy, c0.npy, lengths.npy) and what it returned
 * in float32 (output.npy, h_n.npy, c_n.npy) and float64 (output64.npy, h_n64.npy, c_n64.npy).
 */
public record GridCase(Path dir, Map<?, ?> config) {
    public static final Path ROOT = Path.of("testmodels", "grid");
    /** Fewer cases means the grid is incomplete, and tests over it would prove less than they claim. */
    private static final int AT_LEAST = 30;

    public static boolean present() {
        return Files.isDirectory(ROOT);
    }

    /** Every case, sorted by name; fails when the grid is missing or incomplete. */
    public static List<GridCase> all() {
        List<GridCase> cases;
        try (Stream<Path> s = Files.list(ROOT)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().map(GridCase::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(cases.size() >= AT_LEAST, "expected at least " + AT_LEAST + " grid cases under "
                + ROOT.toAbsolutePath() + ", found " + cases.size());
        return cases;
    }

    /** One dynamic test per case, named after the case. */
    public static Stream<DynamicTest> tests(ThrowingConsumer<GridCase> check) {
        return tests(c -> true, check);
    }

    /** One dynamic test per case that {@code which} accepts, named after the case. */
    public static Stream<DynamicTest> tests(Predicate<GridCase> which, ThrowingConsumer<GridCase> check) {
        return all().stream().filter(which).map(c -> DynamicTest.dynamicTest(c.name(), () -> check.accept(c)));
    }

    public static GridCase named(String name) {
        return read(ROOT.resolve(name));
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

    /** config.json names the cell as {@link CellKind} does: LSTM, GRU, RNN_TANH or RNN_RELU. */
    public CellKind cell() {
        return CellKind.valueOf((String) config.get("cell"));
    }

    public int integer(String key) {
        return ((Number) config.get(key)).intValue();
    }

    public boolean flag(String key) {
        return (Boolean) config.get(key);
    }

    public boolean batchFirst() {
        return flag("batch_first");
    }

    public boolean hasLengths() {
        return flag("has_lengths");
    }

    /** The input has no batch axis. */
    public boolean unbatched() {
        return flag("unbatched");
    }

    public boolean hasOnnxExport() {
        return Files.isRegularFile(dir.resolve("model.onnx"));
    }

    /** The settings a user passes for a file without metadata: batch_first and an RNN's nonlinearity. */
    public LoadOptions loadOptions() {
        return new LoadOptions(null, batchFirst(), cell().isRnn() ? cell() : null);
    }

    /** The state dict (model.safetensors), loaded with {@link #loadOptions}. */
    public RecurrentNetwork network() {
        return Networks.load(dir.resolve("model.safetensors"), loadOptions());
    }

    /** The network's settings are the module's, as config.json records them. */
    public void assertSettings(NetworkConfig c) {
        assertEquals(cell(), c.cell(), "cell");
        assertEquals(integer("input_size"), c.inputSize(), "input_size");
        assertEquals(integer("hidden_size"), c.hiddenSize(), "hidden_size");
        assertEquals(integer("num_layers"), c.numLayers(), "num_layers");
        assertEquals(flag("bidirectional"), c.bidirectional(), "bidirectional");
        assertEquals(flag("bias"), c.bias(), "bias");
        assertEquals(integer("proj_size"), c.projSize(), "proj_size");
        assertEquals(batchFirst(), c.batchFirst(), "batch_first");
    }

    /** What PyTorch was run on. */
    public RunInputs inputs() {
        RunInputs in = RunInputs.of(npy("input.npy"));
        if (flag("has_h0")) {
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

    /** What PyTorch returned in float32. */
    public RunOutputs expected() {
        return outputs("");
    }

    /** What PyTorch returned in float64, run on the same values. */
    public RunOutputs expected64() {
        return outputs("64");
    }

    private RunOutputs outputs(String suffix) {
        return new RunOutputs(npy("output" + suffix + ".npy"), npy("h_n" + suffix + ".npy"),
                cell() == CellKind.LSTM ? npy("c_n" + suffix + ".npy") : null);
    }

    public Tensor npy(String file) {
        try {
            return Npy.read(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}

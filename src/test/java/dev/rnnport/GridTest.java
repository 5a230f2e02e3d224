package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the PyTorch reference grid (testmodels/grid, made by
 * testmodels/generate/make_grid.py with real PyTorch): the state dict is loaded from
 * model.safetensors with the settings a user would pass on the command line, run by the native
 * engine in float32 and float64, and compared with PyTorch's own results.
 */
class GridTest {
    private static final Path GRID = Path.of("testmodels", "grid");
    /** Against PyTorch's float32 results, from either precision. */
    private static final double TOL_F32 = 1e-5;
    /** Float64 engine against PyTorch run in float64 on the same values. */
    private static final double TOL_F64 = 1e-9;

    @TestFactory
    Stream<DynamicTest> everyGridCase() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(GRID)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        }
        assertTrue(cases.size() >= 30, "expected at least 30 grid cases under " + GRID.toAbsolutePath() + ", found " + cases.size());
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws IOException {
        Map<?, ?> cfg = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("config.json")));
        String cell = (String) cfg.get("cell");
        boolean batchFirst = (Boolean) cfg.get("batch_first");
        CellKind nonlinearity = cell.startsWith("RNN_") ? CellKind.valueOf(cell) : null;

        RecurrentNetwork net = Weights.load(dir.resolve("model.safetensors"), new LoadOptions(null, batchFirst, nonlinearity));
        NetworkConfig c = net.config();
        assertEquals(CellKind.valueOf(cell), c.cell(), "cell");
        assertEquals(intOf(cfg, "input_size"), c.inputSize(), "input_size");
        assertEquals(intOf(cfg, "hidden_size"), c.hiddenSize(), "hidden_size");
        assertEquals(intOf(cfg, "num_layers"), c.numLayers(), "num_layers");
        assertEquals(cfg.get("bidirectional"), c.bidirectional(), "bidirectional");
        assertEquals(cfg.get("bias"), c.bias(), "bias");
        assertEquals(intOf(cfg, "proj_size"), c.projSize(), "proj_size");
        assertEquals(batchFirst, c.batchFirst(), "batch_first");

        RunInputs in = RunInputs.of(Npy.read(dir.resolve("input.npy")));
        if ((Boolean) cfg.get("has_h0")) {
            in = in.withH0(Npy.read(dir.resolve("h0.npy")));
            if (c.cell() == CellKind.LSTM) {
                in = in.withC0(Npy.read(dir.resolve("c0.npy")));
            }
        }
        if ((Boolean) cfg.get("has_lengths")) {
            in = in.withLengths(Npy.read(dir.resolve("lengths.npy")));
        }

        RunOutputs f32 = new NativeEngine(Precision.FLOAT32).run(net, in);
        RunOutputs f64 = new NativeEngine(Precision.FLOAT64).run(net, in);
        boolean lstm = c.cell() == CellKind.LSTM;
        StringBuilder failures = new StringBuilder();
        compare(failures, "float32 output", f32.output(), dir, "output.npy", TOL_F32);
        compare(failures, "float32 h_n", f32.hN(), dir, "h_n.npy", TOL_F32);
        compare(failures, "float64 output vs float32 reference", f64.output(), dir, "output.npy", TOL_F32);
        compare(failures, "float64 h_n vs float32 reference", f64.hN(), dir, "h_n.npy", TOL_F32);
        compare(failures, "float64 output", f64.output(), dir, "output64.npy", TOL_F64);
        compare(failures, "float64 h_n", f64.hN(), dir, "h_n64.npy", TOL_F64);
        if (lstm) {
            compare(failures, "float32 c_n", f32.cN(), dir, "c_n.npy", TOL_F32);
            compare(failures, "float64 c_n vs float32 reference", f64.cN(), dir, "c_n.npy", TOL_F32);
            compare(failures, "float64 c_n", f64.cN(), dir, "c_n64.npy", TOL_F64);
        } else {
            assertEquals(null, f32.cN(), "c_n of a " + cell);
        }
        if (failures.length() > 0) {
            fail(dir.getFileName() + ":" + failures);
        }
    }

    /**
     * The README's example: its safetensors file carries batch_first in __metadata__, so it loads
     * with no options; the plain copy needs batch_first from the user. Saving the loaded network
     * writes the same bytes safetensors.torch writes for that state dict and metadata.
     */
    @Test
    void demoModel(@TempDir Path tmp) throws IOException {
        Path demo = Path.of("testmodels", "demo");
        RunInputs in = RunInputs.of(Npy.read(demo.resolve("input.npy")));
        RecurrentNetwork withMetadata = Weights.load(demo.resolve("lstm.safetensors"));
        RecurrentNetwork plain = Weights.load(demo.resolve("lstm_plain.safetensors"), new LoadOptions(null, true, null));
        for (RecurrentNetwork net : List.of(withMetadata, plain)) {
            NetworkConfig c = net.config();
            assertEquals(NetworkConfig.of(CellKind.LSTM, 8, 16).withLayers(2).withBidirectional(true).withBatchFirst(true), c);
            StringBuilder failures = new StringBuilder();
            for (Precision p : Precision.values()) {
                RunOutputs out = new NativeEngine(p).run(net, in);
                compare(failures, p + " output", out.output(), demo, "expected_output.npy", TOL_F32);
                compare(failures, p + " h_n", out.hN(), demo, "expected_h_n.npy", TOL_F32);
                compare(failures, p + " c_n", out.cN(), demo, "expected_c_n.npy", TOL_F32);
            }
            if (failures.length() > 0) {
                fail("demo:" + failures);
            }
        }
        Path written = tmp.resolve("lstm.safetensors");
        Weights.save(withMetadata, written, ModelFormat.SAFETENSORS, WriteOptions.DEFAULTS);
        assertArrayEquals(Files.readAllBytes(demo.resolve("lstm.safetensors")), Files.readAllBytes(written));
    }

    private static int intOf(Map<?, ?> cfg, String key) {
        return ((Number) cfg.get(key)).intValue();
    }

    /** Appends a line naming the tensor, the largest error and where it is when it exceeds {@code tol}. */
    private static void compare(StringBuilder failures, String what, Tensor actual, Path dir, String file, double tol)
            throws IOException {
        Tensor expected = Npy.read(dir.resolve(file));
        if (actual == null) {
            failures.append("\n  ").append(what).append(": missing, expected ").append(expected.shapeString());
            return;
        }
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape: expected " + expected.shapeString()
                + " (" + file + "), got " + actual.shapeString());
        double[] e = expected.data();
        double[] a = actual.data();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]);
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        if (worst > tol || Double.isNaN(worst)) {
            failures.append(String.format("%n  %s vs %s: max abs error %.3g > %.0e at %s (expected %.9g, got %.9g)",
                    what, file, worst, tol, index(expected.shape(), at), e[at], a[at]));
        }
    }

    private static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }
}

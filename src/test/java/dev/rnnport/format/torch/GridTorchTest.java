package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.GRID;
import static dev.rnnport.format.torch.Fixtures.assertClose;
import static dev.rnnport.format.torch.Fixtures.npy;
import static dev.rnnport.format.torch.Fixtures.npyIfExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rnnport.Weights;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the PyTorch reference grid (testmodels/grid, when present), read from both its
 * zip and legacy .pt files through TorchReader and run natively, against PyTorch's outputs.
 */
class GridTorchTest {
    private static final double TOL = 1e-5;

    /** Shows as skipped, with the reason, while the grid has not arrived (a skipped factory is not reported). */
    @Test
    void gridIsPresent() {
        Assumptions.assumeTrue(Files.isDirectory(GRID), "skipped: " + GRID + " is absent, so no grid case runs");
    }

    @TestFactory
    Stream<DynamicTest> everyGridCaseFromBothPtLayouts() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(GRID), "skipped: " + GRID + " is absent");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(GRID)) {
            for (Path dir : cases.filter(d -> Files.exists(d.resolve("config.json"))).sorted().toList()) {
                for (String file : List.of("model.pt", "model_legacy.pt")) {
                    if (Files.exists(dir.resolve(file))) {
                        tests.add(DynamicTest.dynamicTest(dir.getFileName() + "/" + file, () -> runCase(dir, file)));
                    }
                }
            }
        }
        Assumptions.assumeFalse(tests.isEmpty(), "skipped: no grid case holds a .pt file");
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    private static void runCase(Path dir, String file) throws IOException {
        Map<String, Object> cfg = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("config.json")));
        boolean batchFirst = Boolean.TRUE.equals(cfg.get("batch_first"));
        CellKind nonlinearity = "relu".equals(cfg.get("nonlinearity")) ? CellKind.RNN_RELU : null;
        RecurrentNetwork net = Weights.load(dir.resolve(file), new LoadOptions(null, batchFirst, nonlinearity));

        NetworkConfig c = net.config();
        assertEquals(cfg.get("cell"), c.cell().name(), "cell");
        assertEquals(number(cfg, "input_size"), c.inputSize(), "input_size");
        assertEquals(number(cfg, "hidden_size"), c.hiddenSize(), "hidden_size");
        assertEquals(number(cfg, "num_layers"), c.numLayers(), "num_layers");
        assertEquals(cfg.get("bias"), c.bias(), "bias");
        assertEquals(cfg.get("bidirectional"), c.bidirectional(), "bidirectional");
        assertEquals(cfg.getOrDefault("proj_size", 0L) == null ? 0 : number(cfg, "proj_size"), c.projSize(), "proj_size");

        RunInputs in = RunInputs.of(npy(dir.resolve("input.npy")));
        if (Boolean.TRUE.equals(cfg.get("has_h0"))) {
            in = in.withH0(npy(dir.resolve("h0.npy")));
            Tensor c0 = npyIfExists(dir.resolve("c0.npy"));
            if (c0 != null) {
                in = in.withC0(c0);
            }
        }
        if (Boolean.TRUE.equals(cfg.get("has_lengths"))) {
            in = in.withLengths(npy(dir.resolve("lengths.npy")));
        }
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(net, in);
        String what = dir.getFileName() + "/" + file;
        assertClose(npy(dir.resolve("output.npy")), out.output(), TOL, what + " output");
        assertClose(npy(dir.resolve("h_n.npy")), out.hN(), TOL, what + " h_n");
        Tensor cN = npyIfExists(dir.resolve("c_n.npy"));
        if (cN != null) {
            assertClose(cN, out.cN(), TOL, what + " c_n");
        } else {
            assertNull(out.cN(), what + " c_n");
        }
    }

    private static int number(Map<String, Object> cfg, String key) {
        return ((Number) cfg.get(key)).intValue();
    }
}

package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    /** Against PyTorch's float32 results, from either precision. */
    private static final double TOL_F32 = 1e-5;
    /** Float64 engine against PyTorch run in float64 on the same values. */
    private static final double TOL_F64 = 1e-9;

    @TestFactory
    Stream<DynamicTest> everyGridCase() {
        return GridCase.tests(GridTest::check);
    }

    private static void check(GridCase c) {
        RecurrentNetwork net = c.network();
        c.assertSettings(net.config());

        RunInputs in = c.inputs();
        RunOutputs f32 = new NativeEngine(Precision.FLOAT32).run(net, in);
        RunOutputs f64 = new NativeEngine(Precision.FLOAT64).run(net, in);
        if (c.cell() != CellKind.LSTM) {
            assertEquals(null, f32.cN(), "c_n of a " + c.cell());
        }
        Closeness againstF32 = new Closeness(c.name(), TOL_F32)
                .outputs("float32", c.expected(), f32)
                .outputs("float64 vs float32 reference", c.expected(), f64);
        Closeness againstF64 = new Closeness(c.name(), TOL_F64)
                .outputs("float64", c.expected64(), f64);
        againstF32.check();
        againstF64.check();
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
        RunOutputs expected = new RunOutputs(Npy.read(demo.resolve("expected_output.npy")),
                Npy.read(demo.resolve("expected_h_n.npy")), Npy.read(demo.resolve("expected_c_n.npy")));
        RecurrentNetwork withMetadata = Networks.load(demo.resolve("lstm.safetensors"));
        RecurrentNetwork plain = Networks.load(demo.resolve("lstm_plain.safetensors"), new LoadOptions(null, true, null));
        for (RecurrentNetwork net : List.of(withMetadata, plain)) {
            NetworkConfig c = net.config();
            assertEquals(NetworkConfig.of(CellKind.LSTM, 8, 16).withLayers(2).withBidirectional(true).withBatchFirst(true), c);
            Closeness close = new Closeness("demo", TOL_F32);
            for (Precision p : Precision.values()) {
                close.outputs(p.toString(), expected, new NativeEngine(p).run(net, in));
            }
            close.check();
        }
        Path written = tmp.resolve("lstm.safetensors");
        Networks.save(withMetadata, written, ModelFormat.SAFETENSORS, WriteOptions.DEFAULTS);
        assertArrayEquals(Files.readAllBytes(demo.resolve("lstm.safetensors")), Files.readAllBytes(written));
    }
}

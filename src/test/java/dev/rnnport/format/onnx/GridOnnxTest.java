package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torch.onnx.export files of the PyTorch grid: each is read as one network whose settings are the
 * module's (config.json) and whose native run reproduces PyTorch's recorded outputs.
 */
class GridOnnxTest {
    static Stream<Path> exported() throws IOException {
        return GridCase.all().stream().filter(p -> p.resolve("model.onnx").toFile().exists());
    }

    @Test
    void gridIsPresent() throws IOException {
        Assumptions.assumeTrue(!GridCase.all().isEmpty(), "testmodels/grid is not in this checkout yet");
        assertTrue(exported().count() >= 20, "most grid cases have a model.onnx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exported")
    void readsOneNetworkThatRunsLikePyTorch(Path dir) throws IOException {
        GridCase c = new GridCase(dir);
        List<NamedNetwork> nets = new OnnxReader().read(dir.resolve("model.onnx"));
        assertEquals(1, nets.size(), "networks in " + dir);
        RecurrentNetwork net = nets.get(0).network();
        NetworkConfig cfg = net.config();
        assertEquals(c.cell(), cfg.cell());
        assertEquals(c.integer("input_size"), cfg.inputSize());
        assertEquals(c.integer("hidden_size"), cfg.hiddenSize());
        assertEquals(c.integer("num_layers"), cfg.numLayers());
        assertEquals(c.flag("bias"), cfg.bias());
        assertEquals(c.flag("batch_first"), cfg.batchFirst(), "batch_first");
        assertEquals(c.flag("bidirectional"), cfg.bidirectional());
        assertEquals(c.integer("proj_size"), cfg.projSize());
        // Dropout is a training setting that torch.onnx.export (eval mode) does not write: not compared.
        assertEquals(net.config().options(), dev.rnnport.nn.CellOptions.defaults(c.cell()));
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, c.runInputs());
            check(dir, p, "output", out.output(), c.npy("output"));
            check(dir, p, "h_n", out.hN(), c.npy("h_n"));
            if (c.cell() == CellKind.LSTM) {
                check(dir, p, "c_n", out.cN(), c.npy("c_n"));
            }
        }
    }

    private static void check(Path dir, Precision p, String name, dev.rnnport.tensor.Tensor got,
                              dev.rnnport.tensor.Tensor want) {
        double err = OnnxCase.maxAbs(got, want);
        assertTrue(err <= 1e-5, dir.getFileName() + " " + p + " " + name + ": max abs error " + err);
    }
}

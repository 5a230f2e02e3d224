package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
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
    static Stream<Path> exported() {
        return GridCase.all().stream().filter(GridCase::hasOnnxExport).map(GridCase::dir);
    }

    @Test
    void gridIsPresent() {
        Assumptions.assumeTrue(GridCase.present(), "testmodels/grid is not in this checkout yet");
        assertTrue(exported().count() >= 20, "most grid cases have a model.onnx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exported")
    void readsOneNetworkThatRunsLikePyTorch(Path dir) throws IOException {
        GridCase c = GridCase.read(dir);
        List<NamedNetwork> nets = new OnnxReader().read(dir.resolve("model.onnx"));
        assertEquals(1, nets.size(), "networks in " + dir);
        RecurrentNetwork net = nets.get(0).network();
        c.assertSettings(net.config());
        // Dropout is a training setting that torch.onnx.export (eval mode) does not write: not compared.
        assertEquals(net.config().options(), CellOptions.defaults(c.cell()));
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, c.inputs());
            new Closeness(c.name(), 1e-5).outputs(p.toString(), c.expected(), out).check();
        }
    }
}

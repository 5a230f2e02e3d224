package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own backend node tests and onnx2c's LSTM cases: each model is read (weights fed from
 * test_data_set_0 where the model takes them as inputs), run by the native engine in float32 and
 * float64, and compared with the outputs recorded next to it, which ONNX's reference implementation
 * and onnx2c's generator computed.
 */
class ConformanceTest {
    static final Path ROOT = Path.of("testmodels", "onnx");

    static Stream<Path> cases() throws IOException {
        return Stream.concat(OnnxCase.all(ROOT.resolve("onnx-node")).stream(),
                OnnxCase.all(ROOT.resolve("onnx2c/local_ops")).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nativeMatchesRecordedOutputs(Path dir) throws IOException {
        OnnxCase c = new OnnxCase(dir);
        List<NamedNetwork> nets = OnnxReader.read(c.model, c.inputs, dir.toString());
        assertEquals(1, nets.size());
        RecurrentNetwork net = nets.get(0).network();
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, c.runInputs());
            for (var e : c.outputs.entrySet()) {
                // Outputs are matched by the node's slot, not by name: onnx2c's test_lstm_y_c names its Y "Y_h".
                int slot = c.node.getOutputList().indexOf(e.getKey());
                Tensor got = c.onnxOutput(out, slot, net.config().directions());
                Closeness.assertClose(e.getValue(), got, 1e-5,
                        dir.getFileName() + " " + p + " output " + e.getKey() + " (slot " + slot + ")");
            }
        }
    }
}

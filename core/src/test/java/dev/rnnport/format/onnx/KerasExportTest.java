package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * onnx2c's keras2onnx exports of a tf.keras LSTM(3): the batch-major input goes through a
 * Transpose, the model returns Y_h squeezed. No outputs are recorded, so ONNX Runtime run on the
 * file itself is the reference.
 */
class KerasExportTest {
    @ParameterizedTest
    @ValueSource(strings = {"lstm_k1_b1_r1.onnx", "lstm_k1_b1_r1_relu.onnx"})
    void readsAndMatchesOnnxRuntime(String file) throws Exception {
        Path path = ConformanceTest.ROOT.resolve("onnx2c/simple_networks").resolve(file);
        List<NamedNetwork> nets = new OnnxReader().read(path);
        assertEquals(1, nets.size());
        RecurrentNetwork net = nets.get(0).network();
        assertEquals("lstm", nets.get(0).name());
        assertEquals(CellKind.LSTM, net.config().cell());
        assertTrue(net.config().batchFirst(), "keras2onnx transposes a batch-major input");
        assertEquals(5, net.config().inputSize());
        assertEquals(3, net.config().hiddenSize());

        Tensor x = OrtRun.random(7, 2, 4, 5);
        Tensor expected = OrtRun.run(Files.readAllBytes(path), Map.of("input_1", x)).get("lstm");
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, RunInputs.of(x));
            Tensor last = out.hN().reshape(2, 3);
            Closeness.assertClose(expected, last, 1e-5, file + " " + p);
        }
    }
}

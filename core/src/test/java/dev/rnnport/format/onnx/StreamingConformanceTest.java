package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.Stepping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX conformance cases that read forwards, stepped one time step at a time: the features
 * PyTorch lacks (peepholes, clip, other activations, GRU with linear_before_reset=0) stream to the
 * outputs ONNX's reference implementation and onnx2c recorded.
 */
class StreamingConformanceTest {

    static Stream<Path> forwardCases() throws IOException {
        return ConformanceTest.cases().filter(dir -> {
            try {
                RecurrentNetwork net = network(new OnnxCase(dir));
                return !net.config().bidirectional() && !net.config().options().reverseOnly();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static RecurrentNetwork network(OnnxCase c) {
        return OnnxReader.read(c.model, c.inputs, c.dir.toString()).get(0).network();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardCases")
    void steppedMatchesRecordedOutputs(Path dir) throws IOException {
        OnnxCase c = new OnnxCase(dir);
        RecurrentNetwork net = network(c);
        RunOutputs stepped = Stepping.run(net, c.runInputs());
        Closeness close = new Closeness(dir.getFileName() + " stepped", 1e-5);
        for (var e : c.outputs.entrySet()) {
            int slot = c.node.getOutputList().indexOf(e.getKey());
            Tensor got = c.onnxOutput(stepped, slot, 1);
            close.tensor("output " + e.getKey() + " (slot " + slot + ")", e.getValue(), got);
        }
        close.check();
    }

    @org.junit.jupiter.api.Test
    void theCasesCoverWhatPyTorchLacks() throws IOException {
        List<String> names = forwardCases().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("test_lstm_with_peepholes", "test_lstm_clip", "test_lstm_activations",
                "test_gru_defaults", "test_simple_rnn_defaults")), names.toString());
    }
}

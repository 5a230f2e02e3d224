package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.backend.tensorflow.OpenTensorFlow;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What only ONNX can say (peepholes, clip, input_forget, activations with alpha and beta, GRU
 * linear_before_reset=0, reverse-only, sequence_lens), run by the TensorFlow backend: ONNX's own
 * backend node tests and onnx2c's LSTM cases against the outputs recorded beside them, and the
 * networks of {@link OnnxOnlyFeaturesTest} against ONNX Runtime running them as ONNX. Lives here
 * for the ONNX test helpers; it reaches TensorFlow only through the backend.
 */
class TensorFlowConformanceTest {
    @RegisterExtension
    static final OpenTensorFlow TF = new OpenTensorFlow();

    @TestFactory
    Stream<DynamicTest> recordedOutputsOfOnnxConformanceCases() throws Exception {
        return ConformanceTest.cases().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws Exception {
        OnnxCase c = new OnnxCase(dir);
        List<NamedNetwork> nets = OnnxReader.read(c.model, c.inputs, dir.toString());
        assertEquals(1, nets.size());
        RecurrentNetwork net = nets.get(0).network();
        for (Precision p : Precision.values()) {
            RunOutputs out = TF.backend().run(net, c.runInputs(), p);
            Closeness close = new Closeness(dir.getFileName() + " TensorFlow " + p, 1e-5);
            for (var e : c.outputs.entrySet()) {
                int slot = c.node.getOutputList().indexOf(e.getKey());
                close.tensor("output " + e.getKey(), e.getValue(), c.onnxOutput(out, slot, net.config().directions()));
            }
            close.check();
        }
    }

    @TestFactory
    Stream<DynamicTest> onnxOnlyFeaturesAgreeWithOnnxRuntime() {
        return OnnxOnlyFeaturesTest.networks().map(Arguments::get).map(a -> DynamicTest.dynamicTest((String) a[0], () -> {
            String name = (String) a[0];
            NetworkConfig c = (NetworkConfig) a[1];
            RecurrentNetwork net = OnnxOnlyFeaturesTest.network(c, (Boolean) a[2], name.hashCode());
            RunInputs in = OnnxOnlyFeaturesTest.inputs(c, 11);
            Map<String, Tensor> ort = OrtRun.run(OnnxWriter.toModel(net, 0).toByteArray(), Networks.feeds(net, in));
            for (Precision p : Precision.values()) {
                RunOutputs tf = TF.backend().run(net, in, p);
                new Closeness(name + " " + p, 1e-5).outputs("TensorFlow vs ONNX Runtime", Networks.ortOutputs(ort, tf), tf).check();
            }
        }));
    }
}

package dev.rnnport.backend.tensorflow;

import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every case of the PyTorch grid run in TensorFlow: float64 against PyTorch's float64 outputs,
 * float32 against its float32 outputs, in PyTorch's shapes (batch_first, unbatched, lengths, h0/c0).
 */
class TensorFlowGridTest {
    @RegisterExtension
    static final OpenTensorFlow TF = new OpenTensorFlow();

    @TestFactory
    Stream<DynamicTest> float64MatchesPyTorchFloat64() {
        return GridCase.tests(c -> {
            RecurrentNetwork net = c.network();
            new Closeness(c.name() + " float64", 1e-9)
                    .outputs("TensorFlow", c.expected64(), TF.backend().run(net, c.inputs(), Precision.FLOAT64)).check();
        });
    }

    @TestFactory
    Stream<DynamicTest> float32MatchesPyTorchFloat32() {
        return GridCase.tests(c -> {
            RecurrentNetwork net = c.network();
            new Closeness(c.name() + " float32", 1e-5)
                    .outputs("TensorFlow", c.expected(), TF.backend().run(net, c.inputs(), Precision.FLOAT32)).check();
        });
    }
}

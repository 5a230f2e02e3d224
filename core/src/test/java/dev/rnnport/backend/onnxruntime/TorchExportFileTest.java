package dev.rnnport.backend.onnxruntime;

import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Files that users really have: every grid case's model.onnx (written by torch.onnx.export) run as
 * is through {@link OnnxRuntimeBackend#runFile}, fed the inputs PyTorch was run on, gives PyTorch's
 * outputs. Checks that the graph's inputs and outputs are found by name and that tensors pass
 * through in the module's own layout.
 */
class TorchExportFileTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @TestFactory
    Stream<DynamicTest> everyExportedGridCase() {
        return GridCase.tests(GridCase::hasOnnxExport, TorchExportFileTest::check);
    }

    private static void check(GridCase c) {
        RunOutputs out = ORT.backend().runFile(c.dir().resolve("model.onnx"), c.inputs(), Precision.FLOAT32);
        new Closeness(c.name(), 1e-5).outputs("ONNX Runtime vs PyTorch", c.expected(), out).check();
    }
}

package dev.rnnport.backend.onnxruntime;

import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Files that users really have: every grid case's model.onnx (written by torch.onnx.export) run as
 * is through {@link OnnxRuntimeBackend#runFile}, fed the inputs PyTorch was run on, gives PyTorch's
 * outputs. Checks that the graph's inputs and outputs are found by name and that tensors pass
 * through in the module's own layout.
 */
class TorchExportFileTest {
    private static OnnxRuntimeBackend backend;

    @BeforeAll
    static void open() {
        backend = new OnnxRuntimeBackend(1);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @TestFactory
    Stream<DynamicTest> everyExportedGridCase() {
        return GridCase.all().stream().filter(GridCase::hasOnnxExport)
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GridCase c) {
        RunOutputs out = backend.runFile(c.dir().resolve("model.onnx"), c.inputs(), Precision.FLOAT32);
        new Closeness(c.name(), 1e-5).outputs("ONNX Runtime vs PyTorch", c.expected(), out).check();
    }
}

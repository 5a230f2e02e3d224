package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.nn.Precision;
import dev.rnnport.tensor.DType;
import dev.rnnport.testing.GridCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Float64 and ONNX Runtime. Its CPU LSTM, GRU and RNN kernels compute in float32 only: a double
 * graph loads and then fails at run time ("does not support double yet"). The backend therefore
 * refuses float64 for networks and for float32 files with a clear usage error, and hands double
 * files to ONNX Runtime, reporting its refusal in one line. If a future ONNX Runtime computes in
 * double, the first test fails and says so.
 */
class Float64Test {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> onnxRuntimeHasNoFloat64RecurrentKernels() {
        return Stream.of("lstm_l1", "gru_l1", "rnn_tanh_l1").map(name -> DynamicTest.dynamicTest(name, () -> {
            GridCase c = GridCase.named(name);
            Path file = doubleCopy(c);
            ModelException e = assertThrows(ModelException.class, () -> ORT.backend().runFile(file, c.inputs(), Precision.FLOAT64),
                    "ONNX Runtime now runs a float64 " + c.cell().moduleName() + "; float64 could be offered");
            assertTrue(e.getMessage().startsWith(file + ": ONNX Runtime: "), e.getMessage());
            assertTrue(e.getMessage().contains(c.cell().moduleName()), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }));
    }

    @Test
    void networksRunInFloat32Only() {
        GridCase c = GridCase.named("lstm_l1");
        UsageException e = assertThrows(UsageException.class, () -> ORT.backend().run(c.network(), c.inputs(), Precision.FLOAT64));
        assertTrue(e.getMessage().contains("float32 only"), e.getMessage());
        assertEquals(DType.F32, ORT.backend().run(c.network(), c.inputs(), Precision.FLOAT32).output().dtype());
    }

    /** A float64 copy of the grid's torch export, as a module exported after .double() would be. */
    private static Path doubleCopy(GridCase c) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(c.dir().resolve("model.onnx")));
        Path file = tmp.resolve(c.name() + "_f64.onnx");
        Files.write(file, DoubleGraphs.of(model).toByteArray());
        return file;
    }
}

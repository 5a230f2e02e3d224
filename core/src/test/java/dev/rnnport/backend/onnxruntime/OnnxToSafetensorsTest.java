package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion a user makes from ONNX to PyTorch: every grid case's torch.onnx.export file is
 * read, written as safetensors, read back and run natively; that must equal ONNX Runtime running
 * the original file as is, within 1e-5. The two computations share nothing but the input.
 */
class OnnxToSafetensorsTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyExportedGridCase() {
        return GridCase.tests(GridCase::hasOnnxExport, OnnxToSafetensorsTest::check);
    }

    private static void check(GridCase c) throws IOException {
        Path onnx = c.dir().resolve("model.onnx");
        RecurrentNetwork read = Networks.load(onnx);
        Path st = tmp.resolve(c.name() + ".safetensors");
        ModelFormat.SAFETENSORS.writer().write(read, st, WriteOptions.DEFAULTS);
        RecurrentNetwork back = Networks.load(st, LoadOptions.DEFAULTS);
        assertEquals(read.config(), back.config(), "settings after the safetensors round trip (from its __metadata__)");
        assertEquals(c.batchFirst(), back.config().batchFirst(), "batch_first of the exported module");

        RunOutputs ort = ORT.backend().runFile(onnx, c.inputs(), Precision.FLOAT32);
        RunOutputs nativeRun = new NativeEngine(Precision.FLOAT32).run(back, c.inputs());
        new Closeness(c.name(), 1e-5).outputs("native on the safetensors vs ONNX Runtime on the .onnx", ort, nativeRun).check();
    }
}

package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.Networks;
import dev.rnnport.cli.Main;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AllenNLP's real torch.save files through the command line: .pt to ONNX, run in ONNX Runtime
 * against the native run of the original; ONNX back to .pt, loaded by PyTorch and run against ours.
 */
class AllenNlpConversionTest {
    @TempDir
    Path tmp;

    private int rnnport(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(0, code, String.join(" ", args) + ": " + err);
        return code;
    }

    @ParameterizedTest
    @ValueSource(strings = {"serialization/best.th", "serialization_full/best.th"})
    void convertsToOnnxAndBackToPt(String file) throws Exception {
        Path th = TORCH.resolve("allennlp/simple_tagger").resolve(file);
        double[] x = new double[5 * 3 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(0.7 * i) * 1.5;
        }
        Path input = tmp.resolve("x.npy");
        Npy.write(input, Tensor.of(DType.F32, new int[] {5, 3, 2}, x));

        Path onnx = tmp.resolve("encoder.onnx");
        rnnport("convert", th.toString(), onnx.toString(), "--network", "encoder._module.");
        rnnport("run", th.toString(), "--input", input.toString(), "--out", tmp.resolve("native").toString());
        rnnport("run", onnx.toString(), "--backend", "onnxruntime", "--input", input.toString(), "--out", tmp.resolve("ort").toString());
        for (String out : List.of("output", "h_n", "c_n")) {
            assertClose(Npy.read(tmp.resolve("ort").resolve(out + ".npy")), Npy.read(tmp.resolve("native").resolve(out + ".npy")),
                    1e-5, file + " " + out + ": ONNX Runtime on the converted file vs native on the original");
        }

        Path pt = tmp.resolve("encoder.pt");
        rnnport("convert", onnx.toString(), pt.toString());
        RecurrentNetwork back = Networks.load(pt);
        assertEquals(2, back.config().inputSize());
        assertEquals(4, back.config().hiddenSize());
        Assumptions.assumeTrue(TorchWriterTest.torchAvailable(), "skipped: /usr/bin/python3 with torch is not installed");
        TorchWriterTest.checkFileInPyTorch(pt, back, input, tmp, false);
    }
}

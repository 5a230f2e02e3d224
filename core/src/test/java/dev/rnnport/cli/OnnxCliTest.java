package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.DEMO;
import static dev.rnnport.cli.CliTest.assertDemoOutputs;
import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convert to and from ONNX and run --backend onnxruntime from the command line, against PyTorch's outputs. */
class OnnxCliTest {
    @TempDir
    Path tmp;

    @Test
    void demoConvertedToOnnxRunsInOnnxRuntimeAndNatively() throws Exception {
        Path onnx = tmp.resolve("demo.onnx");
        Result c = rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), onnx.toString());
        assertEquals(0, c.code(), c.err());
        for (String backend : List.of("onnxruntime", "native")) {
            Path out = tmp.resolve(backend);
            Result r = rnnport("run", onnx.toString(), "--backend", backend, "--threads", "1",
                    "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertDemoOutputs(out);
        }
        // Back to safetensors: the same network, batch_first carried without flags.
        Path back = tmp.resolve("back.safetensors");
        assertEquals(0, rnnport("convert", onnx.toString(), back.toString()).code());
        Path out = tmp.resolve("back");
        assertEquals(0, rnnport("run", back.toString(), "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString()).code());
        assertDemoOutputs(out);
    }

    @Test
    void safetensorsRunsInOnnxRuntimeThroughAnInMemoryModel() throws Exception {
        Path out = tmp.resolve("ort");
        Result r = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--backend", "onnxruntime",
                "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertDemoOutputs(out);
        assertOneLineError(rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--backend", "onnxruntime",
                "--precision", "float64", "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString()), 2, "float32 only");
        assertOneLineError(rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--backend", "cuda",
                "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString()), 2, "unknown backend 'cuda'");
    }

    @Test
    void truncatedOnnxIsRefusedAndNothingIsWritten() throws Exception {
        Path onnx = tmp.resolve("demo.onnx");
        assertEquals(0, rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), onnx.toString()).code());
        byte[] whole = Files.readAllBytes(onnx);
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 3));
        Path target = tmp.resolve("never.safetensors");
        assertOneLineError(rnnport("convert", cut.toString(), target.toString()), 3, "cut.onnx");
        assertFalse(Files.exists(target));
        assertOneLineError(rnnport("run", cut.toString(), "--backend", "onnxruntime",
                "--input", DEMO.resolve("input.npy").toString(), "--out", tmp.resolve("never").toString()), 3, "cut.onnx");
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void onnxOnlyFeaturesAreRefusedForPyTorchByName() throws Exception {
        // An ONNX LSTM with peepholes, written by our writer; PyTorch cannot hold it.
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 2, 3).withOptions(CellOptions.defaults(CellKind.LSTM));
        Tensor w = Tensor.of(DType.F32, new int[] {12, 2}, new double[24]);
        Tensor r = Tensor.of(DType.F32, new int[] {12, 3}, new double[36]);
        Tensor b = Tensor.of(DType.F32, new int[] {12}, new double[12]);
        Tensor p = Tensor.of(DType.F32, new int[] {9}, new double[9]);
        RecurrentNetwork net = new RecurrentNetwork(cfg, List.of(new DirectionWeights(w, r, b, b, null, p)));
        Path onnx = tmp.resolve("peep.onnx");
        ModelFormat.ONNX.writer().write(net, onnx, WriteOptions.DEFAULTS);
        Result res = rnnport("convert", onnx.toString(), tmp.resolve("peep.safetensors").toString());
        assertOneLineError(res, 3, "cannot write safetensors: PyTorch's nn.LSTM has no LSTM peepholes");
        assertFalse(Files.exists(tmp.resolve("peep.safetensors")));
        assertTrue(rnnport("inspect", onnx.toString()).out().contains("peepholes=true"));
    }
}

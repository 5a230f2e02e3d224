package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a user makes on the command line, each answered with one line that names the option,
 * the file and the offending item, and the exit code the README documents (2: the command line is
 * wrong; 3: a file is missing or its content cannot be used).
 */
class CommandLineErrorsTest {
    static final Path DEMO = Path.of("testmodels/demo");
    static final String MODEL = DEMO.resolve("lstm.safetensors").toString();
    static final String INPUT = DEMO.resolve("input.npy").toString();

    @TempDir
    Path tmp;

    @Test
    void metadataThatIsNotANumberNamesTheFileAndKey() throws Exception {
        Path bad = TestFiles.withMetadata(DEMO.resolve("lstm.safetensors"), tmp.resolve("abc.safetensors"), "dropout", "abc");
        Result r = rnnport("inspect", bad.toString());
        assertOneLineError(r, 3, bad + ": __metadata__ dropout is 'abc', expected a probability in [0, 1)");
    }

    @Test
    void metadataOutOfRangeNamesTheFileKeyAndRange() throws Exception {
        Path bad = TestFiles.withMetadata(DEMO.resolve("lstm.safetensors"), tmp.resolve("d.safetensors"), "dropout", "1.5");
        assertOneLineError(rnnport("inspect", bad.toString()), 3, bad + ": __metadata__ dropout is 1.5, expected a probability in [0, 1)");
        Path yes = TestFiles.withMetadata(DEMO.resolve("lstm.safetensors"), tmp.resolve("b.safetensors"), "batch_first", "yes");
        assertOneLineError(rnnport("inspect", yes.toString()), 3, yes + ": __metadata__ batch_first is 'yes', expected true or false");
    }

    @Test
    void aMissingFileOptionIsNamedWithItsOption() {
        Path out = tmp.resolve("out");
        for (String option : new String[] {"--input", "--h0", "--c0", "--lengths"}) {
            String[] args = option.equals("--input")
                    ? new String[] {"run", MODEL, "--input", "missing.npy", "--out", out.toString()}
                    : new String[] {"run", MODEL, "--input", INPUT, option, "missing.npy", "--out", out.toString()};
            assertOneLineError(rnnport(args), 3, "rnnport: " + option + " missing.npy: no such file");
            String[] verify = option.equals("--input")
                    ? new String[] {"verify", MODEL, "--backends", "native", "--input", "missing.npy"}
                    : new String[] {"verify", MODEL, "--backends", "native", "--input", INPUT, option, "missing.npy"};
            assertOneLineError(rnnport(verify), 3, option + " missing.npy: no such file");
        }
        assertOneLineError(rnnport("run", "missing.pt", "--input", INPUT, "--out", out.toString()), 3, "missing.pt: no such file");
        assertOneLineError(rnnport("verify", MODEL, "--input", INPUT, "--against", "missing"), 3, "--against missing: no such folder");
        assertFalse(Files.exists(out));
    }

    @Test
    void aShapeErrorNamesTheOptionAndFile() throws Exception {
        // The demo: bidirectional, 2 layers, hidden 16, batch_first, input (2, 5, 8): h0 must be (4, 2, 16).
        Path h = TestFiles.npy(tmp.resolve("h.npy"), "<f4", new int[] {2, 1, 8});
        Path out = tmp.resolve("out");
        for (String backend : new String[] {"native", "onnxruntime"}) {
            assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--h0", h.toString(), "--out", out.toString(), "--backend", backend),
                    3, "--h0 " + h + " has shape [2, 1, 8], the network expects [4, 2, 16]");
            assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--c0", h.toString(), "--out", out.toString(), "--backend", backend),
                    3, "--c0 " + h + " has shape [2, 1, 8], the network expects [4, 2, 16]");
        }
        Path x = TestFiles.npy(tmp.resolve("x.npy"), "<f4", new int[] {2, 5, 7});
        assertOneLineError(rnnport("run", MODEL, "--input", x.toString(), "--out", out.toString()), 3,
                "--input " + x + " dimension 2 (input_size) is 7, the network expects 8");
        assertOneLineError(rnnport("verify", MODEL, "--input", x.toString()), 3,
                "--input " + x + " dimension 2 (input_size) is 7, the network expects 8");
        Path n = TestFiles.npy(tmp.resolve("n.npy"), "<i8", new int[] {3});
        assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--lengths", n.toString(), "--out", out.toString()), 3,
                "--lengths " + n + " has shape [3], expected [2]");
        assertFalse(Files.exists(out));
    }

    @Test
    void integerInputIsRefusedTheSameWayOnEveryBackend() throws Exception {
        // PyTorch's LSTM refuses an integer input ("expected scalar type Float"); so does every backend here.
        Path x = TestFiles.npy(tmp.resolve("x.npy"), "<i8", new int[] {2, 5, 8});
        Path out = tmp.resolve("out");
        for (String backend : new String[] {"native", "onnxruntime"}) {
            assertOneLineError(rnnport("run", MODEL, "--input", x.toString(), "--out", out.toString(), "--backend", backend), 3,
                    "--input " + x + " holds int64 values; a recurrent network takes floating point");
        }
        Path onnx = tmp.resolve("lstm.onnx");
        assertEquals(0, rnnport("convert", MODEL, onnx.toString()).code());
        assertOneLineError(rnnport("run", onnx.toString(), "--input", x.toString(), "--out", out.toString(), "--backend", "onnxruntime"),
                3, "--input " + x + " holds int64 values");
        assertOneLineError(rnnport("verify", MODEL, "--input", x.toString()), 3, "--input " + x + " holds int64 values");
        assertFalse(Files.exists(out));
    }

    @Test
    void optionValuesOutOfRangeAreUsageErrors() {
        Path out = tmp.resolve("out");
        assertOneLineError(rnnport("convert", MODEL, tmp.resolve("x.onnx").toString(), "--opset", "5"), 2, "expected 7 to ");
        assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--out", out.toString(), "--threads", "-1"), 2,
                "--threads must be 0 (the engine's default) or more, found -1");
        assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--out", out.toString(), "--precision", "float16"), 2,
                "precision must be float32 or float64, found 'float16'");
        assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--out", out.toString(), "--threads", "many"), 2,
                "'many' is not an int");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("x.onnx")));
    }

    @Test
    void nonlinearityOnlyAppliesToAnRnn() {
        Path out = tmp.resolve("out");
        assertOneLineError(rnnport("run", MODEL, "--input", INPUT, "--out", out.toString(), "--nonlinearity", "relu"), 2,
                "--nonlinearity is a setting of nn.RNN, not of the LSTM in " + MODEL);
        assertOneLineError(rnnport("inspect", MODEL, "--nonlinearity", "relu"), 2, "--nonlinearity is a setting of nn.RNN");
        assertFalse(Files.exists(out));
        Result rnn = rnnport("inspect", "testmodels/grid/rnn_relu_l1/model.safetensors", "--nonlinearity", "relu");
        assertEquals(0, rnn.code(), rnn.err());
        assertTrue(rnn.out().contains("nonlinearity=relu"), rnn.out());
    }

    @Test
    void aTruncatedOnnxFileRunAsItIsIsToldInOurWords() throws Exception {
        Path onnx = tmp.resolve("lstm.onnx");
        assertEquals(0, rnnport("convert", MODEL, onnx.toString()).code());
        Path cut = TestFiles.truncated(onnx, tmp.resolve("cut.onnx"), 1000);
        Path out = tmp.resolve("out");
        for (String backend : new String[] {"onnxruntime", "native"}) {
            Result r = rnnport("run", cut.toString(), "--input", INPUT, "--out", out.toString(), "--backend", backend);
            assertOneLineError(r, 3, cut + ": not a valid ONNX model (truncated: a field runs past the end of its 1000 bytes)");
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void debugPrintsTheStackTraceAfterTheLine() {
        Result r = rnnport("run", "missing.pt", "--input", INPUT, "--out", tmp.resolve("out").toString(), "--debug");
        assertEquals(3, r.code());
        assertTrue(r.err().startsWith("rnnport: missing.pt: no such file"), r.err());
        assertTrue(r.err().contains("\tat dev.rnnport."), r.err());
    }
}

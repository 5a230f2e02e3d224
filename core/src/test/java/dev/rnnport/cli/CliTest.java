package dev.rnnport.cli;

import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: outputs against PyTorch's, exit codes, one-line errors. */
class CliTest {
    static final Path DEMO = Path.of("testmodels/demo");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result rnnport(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The folder holds PyTorch's outputs for the demo input, within 1e-5. */
    static void assertDemoOutputs(Path dir) throws Exception {
        for (String name : List.of("output", "h_n", "c_n")) {
            assertClose(Npy.read(DEMO.resolve("expected_" + name + ".npy")), Npy.read(dir.resolve(name + ".npy")), 1e-5, name);
        }
    }

    static void assertOneLineError(Result r, int code, String contains) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("rnnport: "), r.err());
        assertTrue(r.err().contains(contains), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void inspectDescribesTheNetwork() {
        Result r = rnnport("inspect", DEMO.resolve("lstm.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cell=LSTM input_size=8 hidden_size=16 num_layers=2 bidirectional=true bias=true batch_first=true"), r.out());
        Result json = rnnport("inspect", DEMO.resolve("lstm.safetensors").toString(), "--json");
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(json.out().strip());
        Map<?, ?> net = (Map<?, ?>) ((List<?>) parsed.get("networks")).get(0);
        assertEquals("LSTM", net.get("cell"));
        assertEquals(16L, net.get("hidden_size"));
        assertEquals(Boolean.TRUE, net.get("bidirectional"));
    }

    @Test
    void runMatchesPyTorch() throws Exception {
        Path out = tmp.resolve("out");
        Result r = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", DEMO.resolve("input.npy").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertDemoOutputs(out);
        Result f64 = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", DEMO.resolve("input.npy").toString(),
                "--out", out.toString(), "--precision", "float64");
        assertEquals(0, f64.code(), f64.err());
        assertDemoOutputs(out);
    }

    @Test
    void plainStateDictNeedsTheBatchFirstFlag() throws Exception {
        Path out = tmp.resolve("plain");
        Result r = rnnport("run", DEMO.resolve("lstm_plain.safetensors").toString(), "--batch-first",
                "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertDemoOutputs(out);
    }

    @Test
    void convertToSafetensorsKeepsWhatTheFlagsSaid() throws Exception {
        Path converted = tmp.resolve("with-metadata.safetensors");
        Result c = rnnport("convert", DEMO.resolve("lstm_plain.safetensors").toString(), converted.toString(), "--batch-first");
        assertEquals(0, c.code(), c.err());
        Path out = tmp.resolve("converted");
        Result r = rnnport("run", converted.toString(), "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertDemoOutputs(out);
    }

    @Test
    void truncatedModelFailsCleanlyAndWritesNothing() throws Exception {
        byte[] whole = Files.readAllBytes(DEMO.resolve("lstm.safetensors"));
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        Path out = tmp.resolve("never");
        Result r = rnnport("run", cut.toString(), "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertOneLineError(r, 3, "cut.safetensors");
        assertFalse(Files.exists(out), "no output folder");
        assertEquals(List.of(cut), Files.list(tmp).toList(), "no temporary files left");
    }

    @Test
    void wrongInputShapeSaysWhatTheNetworkExpects() throws Exception {
        Path x4 = tmp.resolve("x4.npy");
        Npy.write(x4, Tensor.zeros(dev.rnnport.tensor.DType.F32, 1, 2, 5, 8));
        Path out = tmp.resolve("never");
        Result rank = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", x4.toString(), "--out", out.toString());
        assertOneLineError(rank, 3, "--input " + x4 + " has rank 4 [1, 2, 5, 8], the network expects (batch, seq_len, input_size=8)");
        Path x7 = tmp.resolve("x7.npy");
        Npy.write(x7, Tensor.zeros(dev.rnnport.tensor.DType.F32, 2, 5, 7));
        Result size = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", x7.toString(), "--out", out.toString());
        assertOneLineError(size, 3, "--input " + x7 + " dimension 2 (input_size) is 7, the network expects 8");
        Path h0 = tmp.resolve("h0.npy");
        Npy.write(h0, Tensor.zeros(dev.rnnport.tensor.DType.F32, 2, 2, 16));
        Result state = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", DEMO.resolve("input.npy").toString(),
                "--h0", h0.toString(), "--out", out.toString());
        assertOneLineError(state, 3, "--h0 " + h0 + " has shape [2, 2, 16], the network expects [4, 2, 16]");
        assertFalse(Files.exists(out));
    }

    @Test
    void usageErrorsExitTwo() {
        assertOneLineError(rnnport("run", "x.safetensors"), 2, "--input");
        assertOneLineError(rnnport("inspect", DEMO.resolve("lstm.safetensors").toString(), "--nonlinearity", "sigmoid"), 2,
                "--nonlinearity must be tanh or relu");
        assertOneLineError(rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), tmp.resolve("x.weird").toString()), 2,
                "cannot tell the format");
    }

    @Test
    void unwritableOutputsSayWhere() throws Exception {
        Path file = Files.createFile(tmp.resolve("afile"));
        assertOneLineError(rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--input", DEMO.resolve("input.npy").toString(),
                "--out", file.toString()), 3, file + " exists and is not a folder");
        assertOneLineError(rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), file.resolve("x.onnx").toString()), 3,
                "cannot write into " + file + ": a file stands where a folder is needed");
        assertEquals(List.of(file), Files.list(tmp).toList(), "no temporary files left");
    }

    @Test
    void missingFileExitsThree() {
        assertOneLineError(rnnport("inspect", tmp.resolve("nothing.safetensors").toString()), 3, "no such file");
    }
}

package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rnnport verify}: the table, the JSON, exit codes, and comparisons with PyTorch's recorded outputs. */
class VerifyCommandTest {
    static final Path DEMO = Path.of("testmodels/demo");
    static final String MODEL = DEMO.resolve("lstm.safetensors").toString();
    static final String INPUT = DEMO.resolve("input.npy").toString();

    @TempDir
    Path tmp;

    /** PyTorch's outputs for the demo input, laid out as --against reads them. */
    private Path recordedByPyTorch() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pytorch"));
        for (String name : List.of("output", "h_n", "c_n")) {
            Files.copy(DEMO.resolve("expected_" + name + ".npy"), dir.resolve(name + ".npy"));
        }
        return dir;
    }

    @Test
    void everyBackendAgreesOnTheDemoAndAnUnavailableOneIsShownNotPassed() {
        Result r = rnnport("verify", MODEL);
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("reference: native float64"), r.out());
        for (String run : List.of("native float32", "onnxruntime")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(run + " ") && l.contains("output") && l.endsWith("pass")), run + "\n" + r.out());
        }
        String tf = r.out().lines().filter(l -> l.startsWith("tensorflow ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(tf.contains("unavailable: ") || tf.endsWith("pass"), tf);
        assertTrue(r.out().contains("PASS: "), r.out());
    }

    @Test
    void jsonCarriesEveryNumberOfTheTable() {
        Result r = rnnport("verify", MODEL, "--backends", "native", "--json", "--seq-len", "7", "--batch", "4", "--seed", "3");
        assertEquals(Main.OK, r.code(), r.err());
        Map<?, ?> report = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(Boolean.TRUE, report.get("passed"));
        assertEquals(1e-5, ((Number) report.get("atol")).doubleValue());
        List<?> runs = (List<?>) report.get("runs");
        assertEquals(1, runs.size());
        Map<?, ?> native32 = (Map<?, ?>) runs.get(0);
        assertEquals("native float32", native32.get("run"));
        List<?> tensors = (List<?>) native32.get("tensors");
        assertEquals(List.of("output", "h_n", "c_n"), tensors.stream().map(t -> ((Map<?, ?>) t).get("tensor")).toList());
        Map<?, ?> output = (Map<?, ?>) tensors.get(0);
        assertEquals(List.of(4L, 7L, 32L), output.get("shape"), "batch_first random batch");
        double maxAbs = ((Number) output.get("max_abs")).doubleValue();
        assertTrue(maxAbs > 0 && maxAbs < 1e-5, "float32 differs from float64, a little: " + maxAbs);
    }

    @Test
    void pyTorchsRecordedOutputsAgree() throws Exception {
        Result r = rnnport("verify", MODEL, "--input", INPUT, "--against", recordedByPyTorch().toString(), "--backends", "native");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("recorded (") && l.endsWith("pass")), r.out());
    }

    @Test
    void aWrongRecordedValueFailsAndIsFoundWhereItIs() throws Exception {
        Path dir = recordedByPyTorch();
        Tensor out = Npy.read(dir.resolve("output.npy"));
        double[] v = out.data().clone();
        // batch 1, step 3, unit 20: the reverse direction's unit 4 (hidden 16), shape (2, 5, 32).
        v[(1 * 5 + 3) * 32 + 20] += 1e-3;
        Npy.write(dir.resolve("output.npy"), Tensor.of(out.dtype(), out.shape(), v));
        Result r = rnnport("verify", MODEL, "--input", INPUT, "--against", dir.toString(), "--backends", "native");
        assertEquals(Main.PARITY_FAILURE, r.code(), r.out() + r.err());
        String row = r.out().lines().filter(l -> l.startsWith("recorded (")).findFirst().orElseThrow();
        assertTrue(row.contains("batch 1, step 3, unit 20 (reverse 4)") && row.endsWith("FAIL"), row);
        assertTrue(row.contains("1.0e-03"), row);
        assertTrue(r.out().contains("reverse direction, from step 3"), r.out());
        assertTrue(r.out().contains("no known conversion mistake reproduces it"), r.out());
    }

    @Test
    void pyTorchsOwnOnnxExportWithLengthsAgreesAsIs() throws Exception {
        Path g = Path.of("testmodels/grid/lstm_l2_bi_bf_h0_len");
        Path dir = Files.createDirectories(tmp.resolve("rec"));
        for (String name : List.of("output", "h_n", "c_n")) {
            Files.copy(g.resolve(name + ".npy"), dir.resolve(name + ".npy"));
        }
        Result r = rnnport("verify", g.resolve("model.onnx").toString(), "--input", g.resolve("input.npy").toString(),
                "--h0", g.resolve("h0.npy").toString(), "--c0", g.resolve("c0.npy").toString(),
                "--lengths", g.resolve("lengths.npy").toString(), "--against", dir.toString(), "--backends", "onnxruntime");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("onnxruntime (file as is)") && l.endsWith("pass")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("recorded (") && l.endsWith("pass")), r.out());
    }

    @Test
    void givenLengthsThatAFileCannotTakeAreUnsupportedNotPassed() throws Exception {
        Path onnx = tmp.resolve("lstm.onnx");
        assertEquals(0, rnnport("convert", MODEL, onnx.toString()).code());
        Path lengths = tmp.resolve("lengths.npy");
        Npy.write(lengths, Tensor.of(dev.rnnport.tensor.DType.I64, new int[] {2}, new double[] {5, 3}));
        Result r = rnnport("verify", onnx.toString(), "--input", INPUT, "--lengths", lengths.toString(),
                "--backends", "onnxruntime", "--json");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        List<?> runs = (List<?>) ((Map<?, ?>) Json.parse(r.out().strip())).get("runs");
        Map<?, ?> file = runs.stream().map(m -> (Map<?, ?>) m).filter(m -> m.get("run").equals("onnxruntime (file as is)"))
                .findFirst().orElseThrow();
        assertEquals("unsupported", file.get("status"));
        assertTrue(((String) file.get("note")).contains("--lengths"), file.toString());
        Map<?, ?> inMemory = (Map<?, ?>) runs.get(0);
        assertEquals("pass", inMemory.get("status"), "ONNX Runtime runs lengths when the model is written with them");
    }

    @Test
    void usageErrorsExitTwo() {
        assertOneLineError(rnnport("verify", MODEL, "--against", tmp.toString()), Main.USAGE, "--against needs the --input");
        assertOneLineError(rnnport("verify", MODEL, "--backends", "native,caffe"), Main.USAGE, "unknown backend 'caffe'");
        assertOneLineError(rnnport("verify", MODEL, "--atol", "-1"), Main.USAGE, "--atol and --rtol must be 0 or more");
        assertOneLineError(rnnport("verify", MODEL, "--input", INPUT, "--against", tmp.toString()), Main.BAD_INPUT, "no output.npy");
    }
}

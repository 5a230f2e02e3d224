package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convert --verify}: the written file, run in its own runtime, against the source in its own. */
class ConvertVerifyTest {
    static final String DEMO = "testmodels/demo/lstm.safetensors";

    @TempDir
    Path tmp;

    private static boolean row(Result r, String startsWith) {
        return r.out().lines().anyMatch(l -> l.startsWith(startsWith) && l.endsWith("pass"));
    }

    private List<Path> files() throws Exception {
        try (var s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void onnxIsRunByOnnxRuntimeAsWrittenAndLandsInPlace() throws Exception {
        Path out = tmp.resolve("lstm.onnx");
        Result r = rnnport("convert", DEMO, out.toString(), "--verify");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("reference: source, native float64"), r.out());
        assertTrue(row(r, "onnx, onnxruntime (file as is)"), r.out());
        assertTrue(r.out().contains("wrote " + out), r.out());
        assertEquals(List.of(out), files(), "only OUT, no temporary file");
    }

    @Test
    void ptIsReadBackAndRunNatively() throws Exception {
        Path out = tmp.resolve("lstm.pt");
        Result r = rnnport("convert", DEMO, out.toString(), "--verify", "--seq-len", "9", "--batch", "2");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(row(r, "pt, native float64 (read back)"), r.out());
        assertTrue(r.out().contains("input [2, 9, 8]"), r.out());
        assertEquals(List.of(out), files());
    }

    @Test
    void anOnnxSourceIsTheReferenceAsItIs() throws Exception {
        Path source = Path.of("testmodels/grid/gru_l2_bi_h0/model.onnx");
        Path out = tmp.resolve("gru.safetensors");
        Result r = rnnport("convert", source.toString(), out.toString(), "--verify");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("reference: source, onnxruntime (file as is)"), r.out());
        assertTrue(row(r, "safetensors, native float64 (read back)"), r.out());
    }

    /** ONNX Runtime computes in float32: with no tolerance at all it cannot equal float64, and nothing may be written. */
    @Test
    void aDifferenceExitsOneAndLeavesNoFile() throws Exception {
        Path out = tmp.resolve("lstm.onnx");
        Result r = rnnport("convert", DEMO, out.toString(), "--verify", "--atol", "0", "--rtol", "0");
        assertEquals(Main.PARITY_FAILURE, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL: 1 of 1 runs differ"), r.out());
        assertTrue(r.out().contains("not written: " + out), r.out());
        assertEquals(List.of(), files(), "no OUT and no temporary file");
    }

    @Test
    void aFailedVerificationKeepsThePreviousFile() throws Exception {
        Path out = tmp.resolve("lstm.onnx");
        byte[] before = "previous content".getBytes();
        Files.write(out, before);
        Result r = rnnport("convert", DEMO, out.toString(), "--verify", "--atol", "0", "--rtol", "0");
        assertEquals(Main.PARITY_FAILURE, r.code(), r.out());
        assertArrayEquals(before, Files.readAllBytes(out));
        assertEquals(List.of(out), files());
        assertFalse(r.out().contains(".verify-"), "the temporary name is not shown:\n" + r.out());
    }
}

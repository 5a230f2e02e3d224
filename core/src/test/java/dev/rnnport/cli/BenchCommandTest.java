package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench} times the same network on each backend after a warm-up of at least N runs and S
 * seconds, and ONNX Runtime's output agrees with the native one (timings are not asserted: the
 * machine running tests is shared).
 */
class BenchCommandTest {
    @Test
    void benchReportsEveryBackendAfterItsWarmUp() {
        long t0 = System.nanoTime();
        CliTest.Result r = rnnport("bench", "--cell", "gru", "--hidden", "5", "--input-size", "3", "--seq-len", "4",
                "--warmup", "1", "--warmup-seconds", "0.5", "--iterations", "2", "--backends", "native,onnxruntime");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("warm-up at least 1 runs and 0.5 s per backend"), r.out());
        assertTrue(seconds >= 1.0, "two backends warmed up for 0.5 s each, took " + seconds + " s");
        List<String> rows = r.out().lines().toList();
        assertTrue(rows.stream().anyMatch(l -> l.matches("native +[0-9].*\\(reference\\)")), r.out());
        String ort = rows.stream().filter(l -> l.matches("onnxruntime +[0-9].*")).findFirst().orElseThrow();
        String[] cols = ort.trim().split("\\s+");
        assertTrue(Double.parseDouble(cols[cols.length - 1]) < 1e-5, "ONNX Runtime differs from native: " + ort);
    }

    @Test
    void aNegativeWarmUpIsAUsageError() {
        CliTest.assertOneLineError(rnnport("bench", "--warmup-seconds", "-1"), 2, "--warmup-seconds at least 0");
    }
}

package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --stream} runs the three steppers on one network and reports them; ONNX Runtime,
 * stepped one frame at a time through the network's ONNX model, agrees with the native stream
 * (timings are not asserted: the machine running tests is shared).
 */
class StreamBenchTest {
    @Test
    void streamBenchComparesTheNativeStreamWithOnnxRuntimeStepByStep() {
        for (String cell : List.of("lstm", "gru")) {
            CliTest.Result r = rnnport("bench", "--stream=200", "--cell", cell, "--hidden", "9", "--input-size", "3", "--layers", "2");
            assertEquals(0, r.code(), r.err());
            List<String> rows = r.out().lines().toList();
            for (String stepper : List.of("native", "ort-best", "ort-ordinary")) {
                assertTrue(rows.stream().anyMatch(l -> l.startsWith(stepper + " ")), stepper + " missing:\n" + r.out());
            }
            for (String ort : List.of("ort-best ", "ort-ordinary ")) {
                String row = rows.stream().filter(l -> l.startsWith(ort)).findFirst().orElseThrow();
                String[] cols = row.trim().split("\\s+");
                double diff = Double.parseDouble(cols[cols.length - 1]);
                assertTrue(diff < 1e-5, cell + " " + ort + "differs from the native stream by " + diff);
            }
            assertTrue(r.out().contains("memory bound: a step reads"), r.out());
        }
    }

    @Test
    void streamBenchIsForOneSequenceOnOneThread() {
        CliTest.assertOneLineError(rnnport("bench", "--stream", "--batch", "2"), 2, "bench --stream measures batch 1 on one thread");
    }
}

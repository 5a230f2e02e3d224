package dev.rnnport.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that does not use TensorFlow loads none of its classes (nor its ~650 MB native
 * library): observed in a fresh JVM with -verbose:class, since this test JVM has TensorFlow loaded.
 */
class TensorFlowStaysUnloadedTest {
    @Test
    void runningOnTheNativeBackendLoadsNoTensorFlowClass(@TempDir Path tmp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                "dev.rnnport.cli.Main", "run", "testmodels/demo/lstm.safetensors",
                "--input", "testmodels/demo/input.npy", "--out", tmp.resolve("out").toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("dev.rnnport.format.ModelFormat"), "the log lists the classes loaded");
        List<String> tf = log.lines().filter(l -> l.contains(" org.tensorflow.") || l.contains(" org.bytedeco.")).toList();
        assertEquals(List.of(), tf, "TensorFlow classes loaded by a native run");
    }
}

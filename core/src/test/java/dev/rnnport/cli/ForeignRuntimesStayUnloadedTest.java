package dev.rnnport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that need only the native engine and the file formats load neither ONNX Runtime (its
 * Java classes and so its native library) nor TensorFlow's native library, which would cost
 * seconds of start-up: observed in a fresh JVM with -verbose:class, since this test JVM has both
 * loaded. TensorFlow's Java API is allowed a few interfaces (linking the SavedModel writer to ask
 * whether it can hold a network names them); its native bindings are not.
 */
class ForeignRuntimesStayUnloadedTest {
    @TempDir
    Path tmp;

    @Test
    void inspectLoadsNoForeignRuntime() throws Exception {
        assertNoForeignRuntime("inspect", "testmodels/demo/lstm.safetensors");
    }

    @Test
    void nativeRunLoadsNoForeignRuntime() throws Exception {
        assertNoForeignRuntime("run", "testmodels/demo/lstm.safetensors", "--input", "testmodels/demo/input.npy",
                "--out", tmp.resolve("out").toString());
    }

    @Test
    void conversionToOnnxLoadsNoForeignRuntime() throws Exception {
        assertNoForeignRuntime("convert", "testmodels/demo/lstm.safetensors", tmp.resolve("lstm.onnx").toString());
    }

    private static void assertNoForeignRuntime(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-verbose:class", "-cp",
                System.getProperty("java.class.path"), "dev.rnnport.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("dev.rnnport.format.ModelFormat"), "the log lists the classes loaded");
        List<String> foreign = log.lines().filter(l -> l.contains(" ai.onnxruntime.") || l.contains(" org.bytedeco.")
                || l.contains(" org.tensorflow.internal.") || l.contains(" org.tensorflow.TensorFlow ")).toList();
        assertEquals(List.of(), foreign, "foreign runtime classes loaded by " + args[0]);
    }
}

package dev.rnnport.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime and TensorFlow are optional dependencies of the library: in a JVM whose class path
 * lacks them, the native engine still runs, and asking for a missing engine says in one line what
 * to add, with exit code 3, instead of a class error.
 */
class OptionalEnginesTest {
    @TempDir
    Path tmp;

    private Process cli(String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutEngines = Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !e.contains("onnxruntime") && !e.contains("tensorflow"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[4 + args.length];
        command[0] = java;
        command[1] = "-cp";
        command[2] = withoutEngines;
        command[3] = "dev.rnnport.cli.Main";
        System.arraycopy(args, 0, command, 4, args.length);
        return new ProcessBuilder(command).redirectErrorStream(false).start();
    }

    private String[] run(String backend) {
        return new String[] {"run", "testmodels/demo/lstm.safetensors", "--input", "testmodels/demo/input.npy",
                "--out", tmp.resolve(backend).toString(), "--backend", backend};
    }

    @Test
    void theNativeEngineRunsWithoutTheOptionalEngines() throws Exception {
        Process p = cli(run("native"));
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(0, p.waitFor(), err);
    }

    @Test
    void aMissingEngineSaysWhatToAdd() throws Exception {
        for (String backend : new String[] {"onnxruntime", "tensorflow"}) {
            Process p = cli(run(backend));
            String err = new String(p.getErrorStream().readAllBytes());
            assertEquals(3, p.waitFor(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("is not on the classpath: add ") && err.contains("backend '" + backend + "'"), err);
        }
    }
}

package dev.rnnport.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of each reader with Jazzer, one method per {@link FuzzTargets} row.
 * Under {@code mvn test} Jazzer only replays the committed inputs in
 * src/test/resources/dev/rnnport/fuzz/JazzerReaderFuzzTestInputs/METHOD/; with
 * {@code JAZZER_FUZZ=1} it fuzzes one method for its maxDuration (see README, "Reliability"):
 *
 * <pre>JAZZER_FUZZ=1 mvn -B test -Dtest=JazzerReaderFuzzTest#safetensors</pre>
 *
 * A finding is written by Jazzer into that inputs folder, where it stays as a regression input.
 * The judgement is {@link FuzzRunner}'s: success or rnnport's own one-line refusal, in time.
 */
class JazzerReaderFuzzTest {
    private static Path work;
    private static FuzzRunner runner;

    @BeforeAll
    static void open() throws IOException {
        work = Files.createTempDirectory("rnnport-fuzz");
        runner = new FuzzRunner(work, Duration.ofSeconds(10));
    }

    @AfterAll
    static void close() throws IOException {
        runner.close();
        Files.deleteIfExists(work);
    }

    private static void check(String target, byte[] data) {
        try {
            FuzzRunner.Finding f = runner.run(FuzzTargets.named(target), data, m -> { });
            if (f != null) {
                throw new AssertionError(f.kind() + ": " + f.message());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void npy(byte[] data) {
        check("npy", data);
    }

    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] data) {
        check("safetensors", data);
    }

    @FuzzTest(maxDuration = "5m")
    void pt_zip(byte[] data) {
        check("pt_zip", data);
    }

    @FuzzTest(maxDuration = "5m")
    void pt_legacy(byte[] data) {
        check("pt_legacy", data);
    }

    @FuzzTest(maxDuration = "5m")
    void torchscript(byte[] data) {
        check("torchscript", data);
    }

    @FuzzTest(maxDuration = "5m")
    void onnx(byte[] data) {
        check("onnx", data);
    }
}

package dev.rnnport.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reader against hostile bytes (see {@link FuzzSession}): the committed corpus and the seeds,
 * then a short seeded run of mutations. The only outcomes allowed are success and rnnport's own
 * one-line refusal, each within the per-input time bound (see {@link FuzzRunner}).
 *
 * <p>{@code -Drnnport.fuzz.seconds=N} sets the mutation time per target (4 by default),
 * {@code -Drnnport.fuzz.seed=S} the seed, {@code -Drnnport.fuzz.target=NAME} one target. Findings
 * are written to target/fuzz-findings/TARGET/ and each run's figures to target/fuzz-stats/.
 */
class ReaderFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(Long.getLong("rnnport.fuzz.timeout", 10));

    @TempDir
    Path work;

    static Stream<String> targets() {
        String only = System.getProperty("rnnport.fuzz.target");
        return FuzzTargets.all().stream().map(FuzzTarget::name)
                .filter(n -> only == null ? !FuzzTargets.ON_DEMAND.contains(n) : only.equals(n));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void readerSurvivesCorpusAndMutations(String name) throws Exception {
        FuzzTarget target = FuzzTargets.named(name);
        assertFalse(target.seeds().isEmpty(), name + " has seeds");
        double seconds = Double.parseDouble(System.getProperty("rnnport.fuzz.seconds", "4"));
        long seed = Long.getLong("rnnport.fuzz.seed", 20261202L) ^ name.hashCode();
        FuzzSession.Result r = FuzzSession.run(target, seconds, seed, work, PER_INPUT);
        System.out.println("fuzz " + r.summary());
        assertTrue(r.findings().isEmpty(), r.summary() + " (inputs in target/fuzz-findings/" + name + "): "
                + r.findings().values().stream().map(f -> f.kind() + ": " + f.message()).toList());
    }
}

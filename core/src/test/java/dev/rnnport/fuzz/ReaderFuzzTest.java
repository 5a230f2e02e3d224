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
 * <p>By default each target gets {@value #DEFAULT_MUTANTS} mutants from a fixed seed, so the run tries
 * the same inputs on every machine whatever its speed; {@code -Drnnport.fuzz.mutants=N} changes the
 * count, {@code -Drnnport.fuzz.seconds=N} runs for a time instead (long runs by hand),
 * {@code -Drnnport.fuzz.seed=S} the seed, {@code -Drnnport.fuzz.target=NAME} one target. Findings
 * are written to target/fuzz-findings/TARGET/ and each run's figures to target/fuzz-stats/.
 */
class ReaderFuzzTest {
    static final long DEFAULT_MUTANTS = 3000;
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
        String seconds = System.getProperty("rnnport.fuzz.seconds");
        FuzzSession.Budget budget = seconds != null ? FuzzSession.Budget.seconds(Double.parseDouble(seconds))
                : FuzzSession.Budget.mutants(Long.getLong("rnnport.fuzz.mutants", DEFAULT_MUTANTS));
        long seed = Long.getLong("rnnport.fuzz.seed", 20261202L) ^ name.hashCode();
        FuzzSession.Result r = FuzzSession.run(target, budget, seed, work, PER_INPUT);
        System.out.println("fuzz " + r.summary());
        assertTrue(r.findings().isEmpty(), r.summary() + " (inputs in target/fuzz-findings/" + name + "): "
                + r.findings().values().stream().map(f -> f.kind() + ": " + f.message()).toList());
    }
}

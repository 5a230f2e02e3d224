package dev.rnnport.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One target's fuzzing run: the committed corpus (inputs that once broke a reader, in
 * src/test/resources/dev/rnnport/fuzz/JazzerReaderFuzzTestInputs/TARGET) and the seeds replayed
 * as they are, then mutations of the seeds for the given budget (a count, or a time). A mutant whose refusal message
 * (numbers and quoted text aside) was not seen before joins the pool that later mutations start
 * from, so the run digs into the error paths it reaches rather than only the seeds' surface.
 */
final class FuzzSession {
    /** The core module's folder (tests run from the repository's root). */
    private static final Path MODULE = Path.of(System.getProperty("rnnport.module.dir", "."));
    static final Path CORPUS = MODULE.resolve("src/test/resources/dev/rnnport/fuzz/JazzerReaderFuzzTestInputs");

    /** What a run did: executions, time, distinct refusals, and one finding per kind. */
    record Result(String target, long executions, int replayed, double seconds, int refusals,
            Map<String, FuzzRunner.Finding> findings) {
        String summary() {
            return String.format("%s: %d executions (%d replayed) in %.1f s, %d distinct refusals, %d findings",
                    target, executions, replayed, seconds, refusals, findings.size());
        }
    }

    private FuzzSession() {
    }

    /**
     * How long the mutation phase lasts: a number of mutants (the default in the test suite, so a
     * seed gives the same inputs on every machine) or a wall-clock time (long runs by hand).
     */
    record Budget(long mutants, double seconds) {
        static Budget mutants(long n) {
            return new Budget(n, 0);
        }

        static Budget seconds(double s) {
            return new Budget(Long.MAX_VALUE, s);
        }

        private boolean timed() {
            return seconds > 0;
        }
    }

    static Result run(FuzzTarget target, Budget budget, long seed, Path work, Duration perInput) throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (Path p : target.seeds()) {
            seeds.add(Files.readAllBytes(p));
        }
        Map<String, FuzzRunner.Finding> findings = new LinkedHashMap<>();
        Set<String> messages = new HashSet<>();
        long executions = 0;
        long start = System.nanoTime();
        int replayed;
        try (FuzzRunner runner = new FuzzRunner(work, perInput)) {
            List<byte[]> replay = new ArrayList<>(seeds);
            replay.addAll(corpus(target.name()));
            for (byte[] input : replay) {
                record(findings, runner.run(target, input, m -> messages.add(shape(m))));
                executions++;
            }
            replayed = replay.size();
            List<byte[]> pool = new ArrayList<>(seeds);
            Mutator mutator = new Mutator(seed, target.tokens(), seeds);
            Random pickFrom = new Random(seed + 1);
            long deadline = budget.timed() ? System.nanoTime() + (long) (budget.seconds() * 1e9) : Long.MAX_VALUE;
            for (long n = 0; n < budget.mutants() && (!budget.timed() || System.nanoTime() < deadline); n++) {
                byte[] input = mutator.mutate(pool.get(pickFrom.nextInt(pool.size())));
                boolean[] fresh = {false};
                record(findings, runner.run(target, input, m -> fresh[0] = messages.add(shape(m))));
                if (fresh[0] && pool.size() < 2000 && input.length < (1 << 20)) {
                    pool.add(input);
                }
                executions++;
            }
        }
        Result r = new Result(target.name(), executions, replayed, (System.nanoTime() - start) / 1e9, messages.size(), findings);
        save(r);
        return r;
    }

    /** A refusal message with numbers and quoted text blanked, so one error path counts once. */
    private static String shape(String message) {
        return message.replaceAll("[0-9]+", "#").replaceAll("'[^']*'", "'*'");
    }

    private static void record(Map<String, FuzzRunner.Finding> findings, FuzzRunner.Finding f) {
        if (f != null) {
            findings.putIfAbsent(f.kind(), f);
        }
    }

    static List<byte[]> corpus(String name) throws IOException {
        Path dir = CORPUS.resolve(name);
        List<byte[]> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    /** Findings to target/fuzz-findings/TARGET/, the figures to target/fuzz-stats/TARGET.txt. */
    private static void save(Result r) throws IOException {
        Path stats = MODULE.resolve("target/fuzz-stats");
        Files.createDirectories(stats);
        Files.writeString(stats.resolve(r.target() + ".txt"), r.summary() + "\n");
        for (FuzzRunner.Finding f : r.findings().values()) {
            Path dir = MODULE.resolve("target/fuzz-findings").resolve(f.target());
            Files.createDirectories(dir);
            String id;
            try {
                id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(f.input())).substring(0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Files.write(dir.resolve(id), f.input());
            Files.writeString(dir.resolve(id + ".txt"), f.kind() + "\n" + f.message() + "\n", StandardCharsets.UTF_8);
        }
    }
}

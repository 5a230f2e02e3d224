package dev.rnnport.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Long fuzzing runs outside Maven, from the repository root:
 * {@code java -cp core/target/classes:core/target/test-classes:DEPS dev.rnnport.fuzz.FuzzMain SECONDS [SEED] [TARGET...]}.
 * Prints each target's figures; findings go to core/target/fuzz-findings/.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path work = Files.createTempDirectory("rnnport-fuzz");
        int findings = 0;
        for (FuzzTarget t : FuzzTargets.all()) {
            boolean chosen = args.length <= 2 && !FuzzTargets.ON_DEMAND.contains(t.name());
            for (int i = 2; i < args.length; i++) {
                chosen |= args[i].equals(t.name());
            }
            if (chosen) {
                FuzzSession.Result r = FuzzSession.run(t, FuzzSession.Budget.seconds(seconds), seed ^ t.name().hashCode(), work, Duration.ofSeconds(10));
                System.out.println(r.summary() + " (seed " + seed + ")");
                r.findings().values().forEach(f -> System.out.println("  " + f.kind() + ": " + f.message()));
                findings += r.findings().size();
            }
        }
        System.exit(findings == 0 ? 0 : 1);
    }
}

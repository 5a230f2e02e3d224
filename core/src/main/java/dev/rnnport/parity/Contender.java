package dev.rnnport.parity;

import dev.rnnport.ModelException;
import dev.rnnport.backend.Backend;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * One line of a parity table: something that turns inputs into output, h_n and c_n, to be compared
 * with the reference. It is a backend running our reading of the model, a file run as it is by its
 * own runtime, outputs the user recorded elsewhere, or a backend that could not be created (which
 * shows as "unavailable" and never runs).
 *
 * <p>A contender that runs networks (a backend) also exposes {@link #engine()}, so that a failure can
 * be localised layer by layer on one-layer networks; a file or a recording can only be localised on
 * its final output. Closing releases the backend it owns, if any.
 */
public final class Contender implements AutoCloseable {
    /** Runs any network, as the contender's engine does; for layer-by-layer localisation. */
    @FunctionalInterface
    public interface Engine {
        RunOutputs run(RecurrentNetwork network, RunInputs inputs);
    }

    private final String label;
    private final Function<RunInputs, RunOutputs> run;
    private final Engine engine;
    private final AutoCloseable owned;
    private final String unavailable;

    private Contender(String label, Function<RunInputs, RunOutputs> run, Engine engine, AutoCloseable owned, String unavailable) {
        this.label = label;
        this.run = run;
        this.engine = engine;
        this.owned = owned;
        this.unavailable = unavailable;
    }

    /** {@code backend} running {@code network} in {@code precision}; the contender owns and closes the backend. */
    public static Contender backend(String label, Backend backend, RecurrentNetwork network, Precision precision) {
        Engine engine = (net, in) -> backend.run(net, in, precision);
        return new Contender(label, in -> engine.run(network, in), engine, backend, null);
    }

    /** {@code engine} running {@code network}; nothing to close. */
    public static Contender ofEngine(String label, RecurrentNetwork network, Engine engine) {
        return new Contender(label, in -> engine.run(network, in), engine, null, null);
    }

    /** A file (or anything else) run as it is: no engine for other networks. {@code owned} may be null. */
    public static Contender fixed(String label, Function<RunInputs, RunOutputs> run, AutoCloseable owned) {
        return new Contender(label, run, null, owned, null);
    }

    /** A contender that could not be set up, with the reason the table shows. */
    public static Contender unavailable(String label, String reason) {
        return new Contender(label, null, null, null, reason);
    }

    /**
     * Outputs recorded elsewhere (for example saved from PyTorch with {@code np.save}):
     * {@code dir/output.npy} and, when present, {@code h_n.npy} and {@code c_n.npy} (or the same
     * names with the prefix {@code expected_}, as in testmodels/demo). They belong to
     * one input, so the inputs given to {@link #run} are ignored.
     *
     * @throws ModelException the folder has no output.npy or a file cannot be read
     */
    public static Contender recorded(Path dir) {
        String prefix = Files.isRegularFile(dir.resolve("output.npy")) ? ""
                : Files.isRegularFile(dir.resolve("expected_output.npy")) ? "expected_" : null;
        if (prefix == null) {
            throw new ModelException(dir + ": no output.npy (--against takes a folder with output.npy and, as recorded,"
                    + " h_n.npy and c_n.npy)");
        }
        RunOutputs outputs = new RunOutputs(npy(dir, prefix + "output.npy"), npy(dir, prefix + "h_n.npy"),
                npy(dir, prefix + "c_n.npy"));
        return fixed("recorded (" + dir + ")", in -> outputs, null);
    }

    private static Tensor npy(Path dir, String name) {
        Path p = dir.resolve(name);
        try {
            return Files.isRegularFile(p) ? Npy.read(p) : null;
        } catch (IOException e) {
            throw new ModelException(p + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The same run under another name; the new contender takes over what this one owns. */
    public Contender withLabel(String newLabel) {
        return new Contender(newLabel, run, engine, owned, unavailable);
    }

    public String label() {
        return label;
    }

    /** Why this contender cannot run at all, or null when it can. */
    public String unavailableReason() {
        return unavailable;
    }

    /** The engine behind this contender, or null when it runs one fixed file or recording. */
    public Engine engine() {
        return engine;
    }

    /** Runs on {@code inputs}; throws what the engine throws when it cannot. */
    public RunOutputs run(RunInputs inputs) {
        if (unavailable != null) {
            throw new IllegalStateException(label + " is unavailable: " + unavailable);
        }
        return run.apply(inputs);
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // Closing releases native memory only; a failure there cannot change a result.
            }
        }
    }
}

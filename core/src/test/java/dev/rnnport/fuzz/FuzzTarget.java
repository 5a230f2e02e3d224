package dev.rnnport.fuzz;

import java.nio.file.Path;
import java.util.List;

/**
 * One reader under fuzzing: what it reads, the real files its inputs start from, and the
 * structure its mutations know about.
 *
 * @param name      a short name, also the folder of its committed corpus
 * @param extension the file extension inputs are written with (some readers look at it)
 * @param seeds     real files in the reader's format, from testmodels/
 * @param reader    reads one file the way the command line would
 * @param tokens    byte strings that mean something in the format (JSON keys, header words),
 *                  which the mutator inserts or overwrites with
 */
public record FuzzTarget(String name, String extension, List<Path> seeds, Reader reader, List<byte[]> tokens) {

    /** Reads a file; any outcome but a return or rnnport's own one-line refusal is a finding. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }
}

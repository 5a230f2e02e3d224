package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a Python snippet with h5py (Debian's python3-h5py) on a file; tests skip visibly without it. */
final class H5py {
    static final String PYTHON = "/usr/bin/python3";
    private static Boolean available;

    private H5py() {
    }

    static void assumeAvailable() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import h5py, numpy").redirectErrorStream(true).start();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        assumeTrue(available, "skipped: " + PYTHON + " cannot import h5py (apt-get install python3-h5py)");
    }

    /** Runs {@code script} with {@code sys.argv[1]} = file; returns its standard output and error. */
    static String run(String script, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("h5py check failed on " + file + ":\n" + out);
        }
        return out;
    }
}

package dev.rnnport.format.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the PyTorch fixtures live and how results are compared with PyTorch's. */
final class Fixtures {
    static final Path TORCH = Path.of("testmodels", "torch");
    static final Path GRID = Path.of("testmodels", "grid");
    /** The file the hostile payloads would create if anything ran them (see make_torch_files.py). */
    static final Path MARKER = Path.of("/tmp/rnnport-unsafe-pickle-ran");

    private Fixtures() {
    }

    static Tensor npy(Path p) throws IOException {
        return Npy.read(p);
    }

    static Tensor npyIfExists(Path p) throws IOException {
        return Files.exists(p) ? Npy.read(p) : null;
    }

    /** Same shape and every value within {@code tol} of PyTorch's. */
    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.size(); i++) {
            double d = Math.abs(expected.data()[i] - actual.data()[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        final double w = worst;
        final int i = at;
        assertTrue(w <= tol, () -> what + ": max abs error " + w + " at element " + i + " (tolerance " + tol + ")");
    }
}

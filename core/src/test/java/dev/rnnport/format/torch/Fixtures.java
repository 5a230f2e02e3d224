package dev.rnnport.format.torch;

import java.nio.file.Path;

/** Where the PyTorch fixtures live. */
public final class Fixtures {
    public static final Path TORCH = Path.of("testmodels", "torch");
    /** The file the hostile payloads would create if anything ran them (see make_torch_files.py). */
    static final Path MARKER = Path.of("/tmp/rnnport-unsafe-pickle-ran");

    private Fixtures() {
    }
}

package dev.rnnport.cli;

import dev.rnnport.UsageException;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.parity.ParityInputs;
import dev.rnnport.parity.Tolerance;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What a parity check is fed and how close is equal: shared by verify and convert --verify. */
final class ParityArguments {
    @Option(names = "--input", paramLabel = "X.npy", description = "Input in PyTorch's shape for the network's batch_first;"
            + " without it a seeded random batch is used.")
    Path input;

    @Option(names = "--h0", paramLabel = "H.npy")
    Path h0;

    @Option(names = "--c0", paramLabel = "C.npy")
    Path c0;

    @Option(names = "--lengths", paramLabel = "N.npy", description = "Valid length of each sequence (integers).")
    Path lengths;

    @Option(names = "--seq-len", defaultValue = "5", paramLabel = "L", description = "Random input: steps (default 5).")
    int seqLen;

    @Option(names = "--batch", defaultValue = "3", paramLabel = "N", description = "Random input: sequences (default 3).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random input: seed (default 0).")
    long seed;

    @Option(names = "--atol", defaultValue = "1e-5", paramLabel = "A", description = "Absolute tolerance (default 1e-5).")
    double atol;

    @Option(names = "--rtol", defaultValue = "1e-6", paramLabel = "R",
            description = "Relative tolerance (default 1e-6): pass when |x - ref| <= atol + rtol*|ref|.")
    double rtol;

    Tolerance tolerance() {
        return new Tolerance(atol, rtol);
    }

    boolean hasInput() {
        return input != null;
    }

    /** The user's tensors, or a random batch with random h0/c0 and lengths. */
    ParityInputs inputs(NetworkConfig config) throws IOException {
        if (input == null) {
            if (h0 != null || c0 != null || lengths != null) {
                throw new UsageException("--h0, --c0 and --lengths go with --input; without it the inputs are random");
            }
            return ParityInputs.random(config, seqLen, batch, seed, true);
        }
        return ParityInputs.given(new RunInputs(Npy.read(input), read(h0), read(c0), read(lengths)));
    }

    private static Tensor read(Path p) throws IOException {
        return p == null ? null : Npy.read(p);
    }
}

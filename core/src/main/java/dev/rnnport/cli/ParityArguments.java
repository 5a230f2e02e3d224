package dev.rnnport.cli;

import dev.rnnport.UsageException;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.parity.ParityInputs;
import dev.rnnport.parity.Tolerance;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** What a parity check is fed and how close is equal: shared by verify and convert --verify. */
final class ParityArguments {
    @Option(names = "--input", paramLabel = "X.npy", description = "Input in PyTorch's shape for the network's batch_first;"
            + " without it a seeded random batch is used.")
    Path input;

    @Option(names = "--h0", paramLabel = "H.npy", description = "Initial hidden state (directions*num_layers, batch, H_out); zeros when omitted.")
    Path h0;

    @Option(names = "--c0", paramLabel = "C.npy", description = "LSTM initial cell state (directions*num_layers, batch, hidden_size); zeros when omitted.")
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

    /** The files given with --input and the rest, once read. */
    private InputFiles files;

    Tolerance tolerance() {
        return new Tolerance(atol, rtol);
    }

    boolean hasInput() {
        return input != null;
    }

    /** The user's tensors, or a random batch with random h0/c0 and lengths. */
    ParityInputs inputs(NetworkConfig config) {
        if (input == null) {
            if (h0 != null || c0 != null || lengths != null) {
                throw new UsageException("--h0, --c0 and --lengths go with --input; without it the inputs are random");
            }
            return ParityInputs.random(config, seqLen, batch, seed, true);
        }
        files = InputFiles.read(input, h0, c0, lengths);
        return ParityInputs.given(files.inputs());
    }

    /** Runs {@code action}; a shape error in the user's tensors names the option and file it came from. */
    <T> T naming(Callable<T> action) throws Exception {
        return files == null ? action.call() : files.naming(action);
    }
}

package dev.rnnport.cli;

import dev.rnnport.NetworkChoiceException;
import dev.rnnport.Networks;
import dev.rnnport.UsageException;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares: which network, and what a state dict cannot say. */
final class ModelArguments {
    @Option(names = "--network", paramLabel = "NAME", description = "Which network to take when the file holds several (a key prefix or node name).")
    String network;

    @Option(names = "--batch-first", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "The network takes (batch, seq, feature) input; overrides the file.")
    Boolean batchFirst;

    @Option(names = "--nonlinearity", paramLabel = "tanh|relu", description = "nn.RNN's nonlinearity; overrides the file.")
    String nonlinearity;

    LoadOptions toLoadOptions() {
        CellKind rnn = null;
        if (nonlinearity != null) {
            rnn = switch (nonlinearity.toLowerCase(Locale.ROOT)) {
                case "tanh" -> CellKind.RNN_TANH;
                case "relu" -> CellKind.RNN_RELU;
                default -> throw new UsageException("--nonlinearity must be tanh or relu, found '" + nonlinearity + "'");
            };
        }
        return new LoadOptions(network, batchFirst, rnn);
    }

    /** The network these options choose in {@code file}; a missing choice is phrased as the command line's {@code --network}. */
    RecurrentNetwork load(Path file) {
        try {
            return Networks.load(file, toLoadOptions());
        } catch (NetworkChoiceException e) {
            throw new UsageException(e.message("--network NAME"), e);
        }
    }

    /** Every network in {@code file}, with these options' settings. */
    List<NamedNetwork> loadAll(Path file) {
        return Networks.loadAll(file, toLoadOptions());
    }
}

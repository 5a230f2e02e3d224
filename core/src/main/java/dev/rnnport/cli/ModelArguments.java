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
        RecurrentNetwork net;
        try {
            net = Networks.load(file, toLoadOptions());
        } catch (NetworkChoiceException e) {
            throw new UsageException(e.message("--network NAME"), e);
        }
        if (nonlinearity != null && !net.config().cell().isRnn()) {
            throw new UsageException("--nonlinearity is a setting of nn.RNN, not of the " + net.config().cell().moduleName()
                    + " in " + file);
        }
        return net;
    }

    /** Every network in {@code file}, with these options' settings. */
    List<NamedNetwork> loadAll(Path file) {
        List<NamedNetwork> all = Networks.loadAll(file, toLoadOptions());
        if (nonlinearity != null && all.stream().noneMatch(n -> n.network().config().cell().isRnn())) {
            throw new UsageException("--nonlinearity is a setting of nn.RNN; " + file + " holds none ("
                    + all.stream().map(n -> n.network().config().cell().moduleName()).distinct()
                            .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        return all;
    }

    /** For a file run as it is, not read into a network: the settings that change how a file is read do not apply. */
    void refuseReadingSettings(String why) {
        if (nonlinearity != null || batchFirst != null) {
            throw new UsageException((nonlinearity != null ? "--nonlinearity" : "--batch-first")
                    + " changes how rnnport reads a file, but " + why);
        }
    }
}

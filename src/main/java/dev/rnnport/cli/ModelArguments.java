package dev.rnnport.cli;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.CellKind;
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
                default -> throw new IllegalArgumentException("--nonlinearity must be tanh or relu, found '" + nonlinearity + "'");
            };
        }
        return new LoadOptions(network, batchFirst, rnn);
    }
}

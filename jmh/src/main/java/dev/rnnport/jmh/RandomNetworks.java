package dev.rnnport.jmh;

import dev.rnnport.cli.BenchNetworks;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.util.Locale;

/** The network and input that {@code rnnport bench} times ({@link BenchNetworks}), by the names JMH's parameters use. */
final class RandomNetworks {
    private RandomNetworks() {
    }

    /** A unidirectional one-layer network with PyTorch's initialisation. */
    static RecurrentNetwork network(String cell, int inputSize, int hidden) {
        CellKind kind = CellKind.valueOf(cell.toUpperCase(Locale.ROOT));
        return BenchNetworks.network(NetworkConfig.of(kind, inputSize, hidden));
    }

    /** A (seq_len, batch, input_size) input, uniform in ±1. */
    static Tensor input(NetworkConfig cfg, int seqLen, int batch) {
        return BenchNetworks.input(cfg, batch, seqLen);
    }

    /** {@code count} frames of input_size values each, uniform in ±1, for stepping. */
    static float[][] frames(int inputSize, int count) {
        return BenchNetworks.frames(inputSize, count);
    }
}

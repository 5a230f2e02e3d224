package dev.rnnport.jmh;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The one-layer network and the input that {@code rnnport bench} times, drawn from the same seeds
 * (42 for the weights, 7 for the input) so JMH's figures and the command line's are about the same
 * numbers.
 */
final class RandomNetworks {
    private static final long WEIGHT_SEED = 42;
    private static final long INPUT_SEED = 7;

    private RandomNetworks() {
    }

    /** A unidirectional one-layer network with PyTorch's initialisation: uniform in ±1/sqrt(hidden). */
    static RecurrentNetwork network(String cell, int inputSize, int hidden) {
        CellKind kind = CellKind.valueOf(cell.toUpperCase(Locale.ROOT));
        SplittableRandom r = new SplittableRandom(WEIGHT_SEED);
        double bound = 1 / Math.sqrt(hidden);
        int gates = kind.gates() * hidden;
        DirectionWeights w = DirectionWeights.of(uniform(r, bound, gates, inputSize), uniform(r, bound, gates, hidden),
                uniform(r, bound, gates), uniform(r, bound, gates));
        return new RecurrentNetwork(NetworkConfig.of(kind, inputSize, hidden), List.of(w));
    }

    /** A (seq_len, batch, input_size) input, uniform in ±1. */
    static Tensor input(NetworkConfig cfg, int seqLen, int batch) {
        return uniform(new SplittableRandom(INPUT_SEED), 1, seqLen, batch, cfg.inputSize());
    }

    /** {@code count} frames of input_size values each, uniform in ±1, for stepping. */
    static float[][] frames(int inputSize, int count) {
        SplittableRandom r = new SplittableRandom(INPUT_SEED);
        float[][] frames = new float[count][inputSize];
        for (float[] x : frames) {
            for (int k = 0; k < inputSize; k++) {
                x[k] = (float) r.nextDouble(-1, 1);
            }
        }
        return frames;
    }

    private static Tensor uniform(SplittableRandom r, double bound, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        // Made as the command line makes them (float32 values held as doubles), so both time the same work.
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-bound, bound);
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

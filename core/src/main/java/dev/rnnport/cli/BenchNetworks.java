package dev.rnnport.cli;

import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random networks and inputs that benchmarks time: {@code rnnport bench}, its streaming mode
 * and the JMH benchmarks draw them from the same seeds (42 for weights, 7 for inputs), so every
 * harness times the same numbers.
 */
public final class BenchNetworks {
    private static final long WEIGHT_SEED = 42;
    private static final long INPUT_SEED = 7;

    private BenchNetworks() {
    }

    /** Every layer and direction of {@code cfg}, initialised as PyTorch does: uniform in ±1/sqrt(hidden). */
    public static RecurrentNetwork network(NetworkConfig cfg) {
        SplittableRandom r = new SplittableRandom(WEIGHT_SEED);
        int hidden = cfg.hiddenSize();
        double k = 1 / Math.sqrt(hidden);
        int gh = cfg.cell().gates() * hidden;
        List<DirectionWeights> w = new ArrayList<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            for (int d = 0; d < cfg.directions(); d++) {
                w.add(DirectionWeights.of(uniform(r, k, gh, cfg.layerInputSize(l)), uniform(r, k, gh, hidden),
                        uniform(r, k, gh), uniform(r, k, gh)));
            }
        }
        return new RecurrentNetwork(cfg, w);
    }

    /** An input of {@code batch} sequences of {@code seqLen} steps in {@code cfg}'s layout, uniform in ±1. */
    public static Tensor input(NetworkConfig cfg, int batch, int seqLen) {
        SplittableRandom r = new SplittableRandom(INPUT_SEED);
        return cfg.batchFirst() ? uniform(r, 1, batch, seqLen, cfg.inputSize()) : uniform(r, 1, seqLen, batch, cfg.inputSize());
    }

    /** {@code count} frames of {@code inputSize} values each, uniform in ±1, for stepping a stream. */
    public static float[][] frames(int inputSize, int count) {
        SplittableRandom r = new SplittableRandom(INPUT_SEED);
        float[][] frames = new float[count][inputSize];
        for (float[] x : frames) {
            for (int k = 0; k < inputSize; k++) {
                x[k] = (float) r.nextDouble(-1, 1);
            }
        }
        return frames;
    }

    /** Float32 values, uniform in [-bound, bound]. */
    private static Tensor uniform(SplittableRandom r, double bound, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-bound, bound);
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

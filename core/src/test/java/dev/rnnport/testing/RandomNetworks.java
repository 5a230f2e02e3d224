package dev.rnnport.testing;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Networks of any configuration with seeded uniform weights in [-k, k], k = 1/sqrt(hidden_size) as
 * PyTorch initialises them, stored as float32 so that every file format holds them exactly: for
 * tests whose expected values come from another computation of the same network (another engine,
 * a whole-sequence run, a serial run), never from these weights' own outputs.
 */
public final class RandomNetworks {
    private RandomNetworks() {
    }

    public static RecurrentNetwork of(NetworkConfig c, long seed) {
        return of(c, seed, false);
    }

    /** A PyTorch module's settings with random weights; {@code projSize} 0 for none. */
    public static RecurrentNetwork of(CellKind cell, int inputSize, int hidden, int layers, boolean bidirectional,
                                      boolean batchFirst, boolean bias, int projSize, long seed) {
        NetworkConfig c = new NetworkConfig(cell, inputSize, hidden, layers, bias, batchFirst, 0.0, bidirectional, projSize,
                CellOptions.defaults(cell));
        return of(c, seed);
    }

    /** Random weights of the shapes {@code config} needs. */
    public static RecurrentNetwork withRandomWeights(NetworkConfig c, long seed) {
        return of(c, seed);
    }

    /** @param peepholes give every direction of an LSTM peephole weights */
    public static RecurrentNetwork of(NetworkConfig c, long seed, boolean peepholes) {
        SplittableRandom r = new SplittableRandom(seed);
        double k = 1 / Math.sqrt(c.hiddenSize());
        int gh = c.cell().gates() * c.hiddenSize();
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (int d = 0; d < c.directions(); d++) {
                weights.add(new DirectionWeights(
                        uniform(r, k, gh, c.layerInputSize(layer)),
                        uniform(r, k, gh, c.outputSize()),
                        c.bias() ? uniform(r, k, gh) : null,
                        c.bias() ? uniform(r, k, gh) : null,
                        c.projSize() > 0 ? uniform(r, k, c.projSize(), c.hiddenSize()) : null,
                        peepholes && c.cell() == CellKind.LSTM ? uniform(r, k, 3 * c.hiddenSize()) : null));
            }
        }
        return new RecurrentNetwork(c, weights);
    }

    /** Seeded uniform values in [-k, k], rounded to float32. */
    public static Tensor uniform(SplittableRandom r, double k, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-k, k);
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

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
 * Networks with seeded random weights, drawn as PyTorch initialises them (uniform in
 * [-1/sqrt(hidden), 1/sqrt(hidden)]) and stored as float32, so that every file format holds them
 * exactly. For tests that need many configurations without fixtures.
 */
public final class RandomNetworks {
    private RandomNetworks() {
    }

    /** A PyTorch module's settings with random weights; {@code projSize} 0 for none. */
    public static RecurrentNetwork of(CellKind cell, int inputSize, int hidden, int layers, boolean bidirectional,
                                      boolean batchFirst, boolean bias, int projSize, long seed) {
        NetworkConfig c = new NetworkConfig(cell, inputSize, hidden, layers, bias, batchFirst, 0.0, bidirectional, projSize,
                CellOptions.defaults(cell));
        return withRandomWeights(c, seed);
    }

    /** Random weights of the shapes {@code config} needs. */
    public static RecurrentNetwork withRandomWeights(NetworkConfig c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double k = 1 / Math.sqrt(c.hiddenSize());
        int gh = c.cell().gates() * c.hiddenSize();
        List<DirectionWeights> ws = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (int d = 0; d < c.directions(); d++) {
                ws.add(new DirectionWeights(
                        uniform(random, k, gh, c.layerInputSize(layer)),
                        uniform(random, k, gh, c.outputSize()),
                        c.bias() ? uniform(random, k, gh) : null,
                        c.bias() ? uniform(random, k, gh) : null,
                        c.projSize() > 0 ? uniform(random, k, c.projSize(), c.hiddenSize()) : null,
                        null));
            }
        }
        return new RecurrentNetwork(c, ws);
    }

    private static Tensor uniform(SplittableRandom random, double k, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble(-k, k);
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

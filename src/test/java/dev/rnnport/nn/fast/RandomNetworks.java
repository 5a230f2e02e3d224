package dev.rnnport.nn.fast;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Networks with PyTorch's initialisation (uniform in ±1/sqrt(hidden)) and inputs in ±1, from a seed. */
final class RandomNetworks {
    private RandomNetworks() {
    }

    static Tensor uniform(SplittableRandom r, double bound, int... shape) {
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

    static RecurrentNetwork network(NetworkConfig cfg, boolean peepholes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double k = 1 / Math.sqrt(cfg.hiddenSize());
        int gh = cfg.cell().gates() * cfg.hiddenSize();
        List<DirectionWeights> w = new ArrayList<>();
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            for (int d = 0; d < cfg.directions(); d++) {
                w.add(new DirectionWeights(uniform(r, k, gh, cfg.layerInputSize(layer)), uniform(r, k, gh, cfg.outputSize()),
                        cfg.bias() ? uniform(r, k, gh) : null, cfg.bias() ? uniform(r, k, gh) : null,
                        cfg.projSize() > 0 ? uniform(r, k, cfg.projSize(), cfg.hiddenSize()) : null,
                        peepholes ? uniform(r, k, 3 * cfg.hiddenSize()) : null));
            }
        }
        return new RecurrentNetwork(cfg, w);
    }

    /** Input (steps, batch, input), random h0 (and c0 for LSTM), optional random lengths with one full and one empty. */
    static RunInputs inputs(NetworkConfig cfg, int steps, int batch, boolean lengths, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int states = cfg.numLayers() * cfg.directions();
        RunInputs in = RunInputs.of(uniform(r, 1, steps, batch, cfg.inputSize()))
                .withH0(uniform(r, 0.5, states, batch, cfg.outputSize()));
        if (cfg.cell() == CellKind.LSTM) {
            in = in.withC0(uniform(r, 0.5, states, batch, cfg.hiddenSize()));
        }
        if (lengths) {
            double[] l = new double[batch];
            for (int n = 0; n < batch; n++) {
                l[n] = n == 0 ? steps : n == 1 ? 0 : r.nextInt(steps + 1);
            }
            in = in.withLengths(Tensor.of(DType.I64, new int[] {batch}, l));
        }
        return in;
    }

    /** A (batch, steps) mask with gaps anywhere: sequence 0 all valid, 1 none, the others random. */
    static Tensor mask(int steps, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] m = new double[batch * steps];
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                m[n * steps + t] = n == 0 ? 1 : n == 1 ? 0 : r.nextInt(3) == 0 ? 0 : 1;
            }
        }
        return Tensor.of(DType.F32, new int[] {batch, steps}, m);
    }
}

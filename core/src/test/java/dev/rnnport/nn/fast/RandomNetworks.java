package dev.rnnport.nn.fast;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.SplittableRandom;

/** The shared seeded networks ({@link dev.rnnport.testing.RandomNetworks}) and inputs in ±1 for the kernel tests. */
final class RandomNetworks {
    private RandomNetworks() {
    }

    static Tensor uniform(SplittableRandom r, double bound, int... shape) {
        return dev.rnnport.testing.RandomNetworks.uniform(r, bound, shape);
    }

    static RecurrentNetwork network(NetworkConfig cfg, boolean peepholes, long seed) {
        return dev.rnnport.testing.RandomNetworks.of(cfg, seed, peepholes);
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

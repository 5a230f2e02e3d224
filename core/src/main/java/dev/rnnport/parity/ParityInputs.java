package dev.rnnport.parity;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * What every run of a parity check is fed, and how it came about.
 *
 * @param inputs      input, h0, c0 and lengths in PyTorch's shapes
 * @param description one line for the report: where the values came from and their shapes
 * @param generated   made up by {@link #random}: a run that cannot take lengths may then run without
 *                    them (and is compared with the reference run the same way) instead of being
 *                    reported unsupported; the user's own inputs are never changed
 */
public record ParityInputs(RunInputs inputs, String description, boolean generated) {

    /** The user's inputs, as given. */
    public static ParityInputs given(RunInputs inputs) {
        return new ParityInputs(inputs, "given: " + shapes(inputs), false);
    }

    /**
     * A seeded random batch for {@code config}: input, h0 and (LSTM) c0 uniform in [-1, 1), and,
     * when {@code withLengths} and there is more than one sequence, lengths from 1 to seq_len with the
     * first sequence at full length. Values are float32, so every engine is fed exactly the same numbers.
     */
    public static ParityInputs random(NetworkConfig config, int seqLen, int batch, long seed, boolean withLengths) {
        if (seqLen <= 0 || batch <= 0) {
            throw new dev.rnnport.UsageException("--seq-len and --batch must be positive, found " + seqLen + " and " + batch);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] inShape = config.batchFirst() ? new int[] {batch, seqLen, config.inputSize()} : new int[] {seqLen, batch, config.inputSize()};
        int states = config.directions() * config.numLayers();
        Tensor x = uniform(random, inShape);
        Tensor h0 = uniform(random, states, batch, config.outputSize());
        Tensor c0 = config.cell() == CellKind.LSTM ? uniform(random, states, batch, config.hiddenSize()) : null;
        Tensor lengths = null;
        if (withLengths && batch > 1) {
            double[] l = new double[batch];
            l[0] = seqLen;
            for (int n = 1; n < batch; n++) {
                l[n] = 1 + random.nextInt(seqLen);
            }
            lengths = Tensor.of(DType.I64, new int[] {batch}, l);
        }
        RunInputs in = new RunInputs(x, h0, c0, lengths);
        return new ParityInputs(in, "random (seed " + seed + "): " + shapes(in), true);
    }

    private static Tensor uniform(SplittableRandom random, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return Tensor.of(DType.F32, shape, v);
    }

    private static String shapes(RunInputs in) {
        StringBuilder s = new StringBuilder("input ").append(in.input().shapeString());
        if (in.h0() != null) {
            s.append(", h0 ").append(in.h0().shapeString());
        }
        if (in.c0() != null) {
            s.append(", c0 ").append(in.c0().shapeString());
        }
        if (in.lengths() != null) {
            s.append(", lengths ").append(lengthValues(in.lengths()));
        }
        return s.toString();
    }

    private static String lengthValues(Tensor lengths) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < lengths.size(); i++) {
            s.append(i > 0 ? ", " : "").append((long) lengths.data()[i]);
        }
        return s.append(']').toString();
    }
}

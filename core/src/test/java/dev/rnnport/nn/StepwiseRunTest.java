package dev.rnnport.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.RandomNetworks;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A single sequence in float32 runs through the streaming step kernel; what it computes must match
 * the float64 reference, with initial states, stacked layers and projections, and the path must not
 * be taken where it would compute something else.
 */
class StepwiseRunTest {

    @ParameterizedTest
    @CsvSource({"LSTM, 5, 17, 1, 0", "LSTM, 3, 257, 2, 0", "LSTM, 17, 33, 2, 7", "GRU, 1, 255, 2, 0",
            "GRU, 17, 3, 1, 0", "RNN_TANH, 3, 17, 3, 0", "RNN_RELU, 17, 5, 2, 0"})
    void singleSequenceMatchesTheFloat64Reference(CellKind cell, int input, int hidden, int layers, int proj) {
        RecurrentNetwork net = RandomNetworks.of(cell, input, hidden, layers, false, false, true, proj, 11);
        SplittableRandom r = new SplittableRandom(5);
        int out = proj > 0 ? proj : hidden;
        RunInputs in = RunInputs.of(RandomNetworks.uniform(r, 1, 9, 1, input))
                .withH0(RandomNetworks.uniform(r, 0.5, layers, 1, out));
        if (cell == CellKind.LSTM) {
            in = in.withC0(RandomNetworks.uniform(r, 0.5, layers, 1, hidden));
        }
        NativeEngine fast = new NativeEngine(Precision.FLOAT32);
        assertTrue(StepwiseRun.applies(net, TimeMajorBatch.of(net.config(), in), false));
        RunOutputs got = fast.run(net, in);
        RunOutputs want = new NativeEngine(Precision.FLOAT64).run(net, in);
        assertClose(want.output(), got.output());
        assertClose(want.hN(), got.hN());
        if (cell == CellKind.LSTM) {
            assertClose(want.cN(), got.cN());
        }
    }

    /**
     * The input's part of the steps is computed some steps ahead, in chunks (StepwiseRun's
     * INPUT_PARTS_FLOATS): a sequence several chunks long, whose last chunk is shorter, still
     * matches the float64 reference at every step, and a stream stepping it.
     */
    @ParameterizedTest
    @CsvSource({"LSTM, 3, 300, true", "GRU, 5, 260, true", "GRU, 5, 260, false", "RNN_TANH, 7, 257, true"})
    void sequencesLongerThanAChunkOfInputPartsMatchTheReference(CellKind cell, int input, int hidden, boolean linearBeforeReset) {
        NetworkConfig cfg = NetworkConfig.of(cell, input, hidden).withLayers(2);
        cfg = linearBeforeReset ? cfg : cfg.withOptions(cfg.options().withLinearBeforeReset(false));
        RecurrentNetwork net = RandomNetworks.of(cfg, 21);
        int steps = 150;
        assertTrue(steps * cell.gates() * hidden > StepwiseRun.INPUT_PARTS_FLOATS, "more than one chunk");
        RunInputs in = RunInputs.of(RandomNetworks.uniform(new SplittableRandom(8), 1, steps, 1, input));
        RunOutputs got = new NativeEngine(Precision.FLOAT32).run(net, in);
        RunOutputs want = new NativeEngine(Precision.FLOAT64).run(net, in);
        assertClose(want.output(), got.output());
        assertClose(want.hN(), got.hN());
        assertClose(dev.rnnport.testing.Stepping.run(net, in).output(), got.output());
    }

    /** Products large enough to be split between two threads give the bits of one thread, every cell kind. */
    @ParameterizedTest
    @CsvSource({"LSTM, 64, 300, 0, true", "LSTM, 64, 300, 100, true", "GRU, 64, 400, 0, true", "GRU, 64, 400, 0, false",
            "RNN_TANH, 100, 700, 0, true"})
    void twoThreadsGiveTheBitsOfOne(CellKind cell, int input, int hidden, int proj, boolean linearBeforeReset) {
        NetworkConfig cfg = NetworkConfig.of(cell, input, hidden).withLayers(2);
        cfg = proj > 0 ? cfg.withProjSize(proj) : cfg;
        cfg = linearBeforeReset ? cfg : cfg.withOptions(cfg.options().withLinearBeforeReset(false));
        RecurrentNetwork net = RandomNetworks.of(cfg, 13);
        int depth = input + (proj > 0 ? proj : hidden);
        assertTrue((long) depth * cell.gates() * hidden >= 1 << 16, "large enough to be split (StepKernel.SPLIT_MIN_WEIGHTS)");
        RunInputs in = RunInputs.of(RandomNetworks.uniform(new SplittableRandom(6), 1, 7, 1, input));
        RunOutputs one = new NativeEngine(Precision.FLOAT32).run(net, in);
        RunOutputs two = new NativeEngine(Precision.FLOAT32).withThreads(2).run(net, in);
        assertTrue(java.util.Arrays.equals(one.output().data(), two.output().data()), "output");
        assertTrue(java.util.Arrays.equals(one.hN().data(), two.hN().data()), "h_n");
        assertClose(new NativeEngine(Precision.FLOAT64).run(net, in).output(), two.output());
    }

    @ParameterizedTest
    @CsvSource({"true, false", "false, true"})
    void notTakenForTwoDirectionsOrCutSequences(boolean bidirectional, boolean shortLength) {
        RecurrentNetwork net = RandomNetworks.of(CellKind.GRU, 3, 4, 1, bidirectional, false, true, 0, 3);
        RunInputs in = RunInputs.of(RandomNetworks.uniform(new SplittableRandom(1), 1, 6, 1, 3));
        if (shortLength) {
            in = in.withLengths(Tensor.of(DType.I64, new int[] {1}, new double[] {4}));
        }
        assertFalse(StepwiseRun.applies(net, TimeMajorBatch.of(net.config(), in), false));
        RunOutputs got = new NativeEngine(Precision.FLOAT32).run(net, in);
        assertClose(new NativeEngine(Precision.FLOAT64).run(net, in).output(), got.output());
    }

    private static void assertClose(Tensor want, Tensor got) {
        double[] w = want.data();
        double[] g = got.data();
        assertEquals(w.length, g.length);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], 1e-5, "at " + i);
        }
    }
}

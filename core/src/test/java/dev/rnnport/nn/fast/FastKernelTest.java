package dev.rnnport.nn.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NaiveKernel;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fast kernel, with the Vector API and in plain Java, against the float64 reference kernel on
 * every cell kind and option and on sizes that are not multiples of any vector (1, 3, 17, 255, 257).
 */
class FastKernelTest {
    /** Float32 arithmetic against the float64 oracle. */
    private static final double TOL = 1e-5;

    private record Case(String name, NetworkConfig cfg, boolean peepholes, int steps, int batch, boolean lengths, boolean mask) {
        Case(String name, NetworkConfig cfg, boolean peepholes, int steps, int batch, boolean lengths) {
            this(name, cfg, peepholes, steps, batch, lengths, false);
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (CellKind cell : CellKind.values()) {
            for (int[] size : new int[][] {{1, 1}, {3, 17}, {17, 3}, {255, 257}, {257, 255}}) {
                NetworkConfig cfg = NetworkConfig.of(cell, size[0], size[1]);
                cases.add(new Case(cell + " in " + size[0] + " hidden " + size[1], cfg, false, 4, 5, false));
            }
            // Batch 1 and 2 take the one-row (matrix-vector) product, batch 5 one 4-row tile and one row.
            for (int[] size : new int[][] {{1, 255}, {3, 257}, {17, 1}, {64, 17}}) {
                NetworkConfig cfg = NetworkConfig.of(cell, size[0], size[1]);
                for (int batch : new int[] {1, 2}) {
                    cases.add(new Case(cell + " in " + size[0] + " hidden " + size[1] + " batch " + batch, cfg, false, 4, batch, false));
                }
            }
            NetworkConfig small = NetworkConfig.of(cell, 17, 3);
            cases.add(new Case(cell + " batch 1", small, false, 6, 1, false));
            cases.add(new Case(cell + " batch 3 no bias", small.withBias(false), false, 6, 3, false));
            cases.add(new Case(cell + " bidirectional 2 layers lengths", small.withLayers(2).withBidirectional(true),
                    false, 7, 6, true));
            cases.add(new Case(cell + " reverse only", small.withOptions(small.options().withReverseOnly(true)), false, 5, 4, true));
            for (Masking m : List.of(Masking.ZEROS, Masking.KERAS)) {
                NetworkConfig bi = small.withBidirectional(true).withOptions(small.options().withMasking(m));
                cases.add(new Case(cell + " bidirectional mask, " + m, bi, false, 7, 5, false, true));
            }
            cases.add(new Case(cell + " clip", NetworkConfig.of(cell, 3, 17).withOptions(small.options().withClip(0.3)),
                    false, 5, 4, false));
        }
        NetworkConfig lstm = NetworkConfig.of(CellKind.LSTM, 17, 257);
        cases.add(new Case("LSTM proj 255", lstm.withProjSize(255), false, 4, 5, true));
        cases.add(new Case("LSTM proj 1 bidirectional", NetworkConfig.of(CellKind.LSTM, 3, 17).withProjSize(1)
                .withBidirectional(true).withLayers(2), false, 5, 3, true));
        cases.add(new Case("LSTM peepholes", lstm, true, 4, 5, false));
        cases.add(new Case("LSTM peepholes batch 1", lstm, true, 4, 1, false));
        cases.add(new Case("LSTM proj 3 batch 1 lengths", lstm.withProjSize(3), true, 4, 2, true));
        cases.add(new Case("LSTM input forget, clip, batch 1", lstm.withOptions(lstm.options().withInputForget(true)
                .withClip(0.5)), false, 4, 1, false));
        cases.add(new Case("LSTM input forget, peepholes, clip", lstm.withOptions(lstm.options().withInputForget(true)
                .withClip(2.0)), true, 4, 5, true));
        List<Activation> exotic = List.of(Activation.of(Activation.Kind.HARD_SIGMOID),
                Activation.of(Activation.Kind.SCALED_TANH).withAlpha(1.5).withBeta(0.7), Activation.of(Activation.Kind.SOFTSIGN));
        List<Activation> exotic2 = List.of(Activation.of(Activation.Kind.AFFINE).withAlpha(0.3).withBeta(0.1),
                Activation.of(Activation.Kind.ELU), Activation.of(Activation.Kind.SOFTPLUS));
        cases.add(new Case("LSTM other activations", NetworkConfig.of(CellKind.LSTM, 17, 3).withBidirectional(true)
                .withOptions(CellOptions.defaults(CellKind.LSTM).withActivations(exotic, exotic2)), false, 5, 5, false));
        NetworkConfig gru = NetworkConfig.of(CellKind.GRU, 17, 257);
        cases.add(new Case("GRU reset before product", gru.withOptions(gru.options().withLinearBeforeReset(false)),
                false, 4, 5, true));
        cases.add(new Case("GRU clip batch 1", gru.withOptions(gru.options().withClip(0.4)), false, 4, 1, false));
        cases.add(new Case("GRU reset before product, batch 1", gru.withOptions(gru.options().withLinearBeforeReset(false)),
                false, 4, 1, false));
        cases.add(new Case("GRU reset before product, bidirectional", NetworkConfig.of(CellKind.GRU, 3, 17)
                .withBidirectional(true).withOptions(CellOptions.defaults(CellKind.GRU).withLinearBeforeReset(false)),
                false, 5, 3, true));
        cases.add(new Case("GRU other activations", NetworkConfig.of(CellKind.GRU, 3, 17).withOptions(CellOptions
                .defaults(CellKind.GRU).withActivations(List.of(Activation.of(Activation.Kind.LEAKY_RELU).withAlpha(0.2),
                        Activation.of(Activation.Kind.THRESHOLDED_RELU).withAlpha(0.1)), List.of(Activation.SIGMOID,
                        Activation.TANH))), false, 5, 3, false));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> vectorKernelMatchesTheReference() {
        return tests(new FastKernel(SimdSupport.best(), 1));
    }

    @TestFactory
    Stream<DynamicTest> scalarKernelMatchesTheReference() {
        return tests(new FastKernel(SimdSupport.scalar(), 1));
    }

    /** The input projected one step, then three steps, at a time: chunks that end inside a sequence, either direction. */
    @TestFactory
    Stream<DynamicTest> inputProjectedInChunksMatchesTheReference() {
        return Stream.concat(tests(new FastKernel(SimdSupport.best(), 1).withChunkSteps(1)),
                tests(new FastKernel(SimdSupport.best(), 2).withChunkSteps(3)));
    }

    @Test
    void chunksHoldAboutAMegabyteOfProjections() {
        assertEquals(4, FastKernel.chunkSteps(100, 32, 4 * 512), "LSTM 512 batch 32: 256 kB a step");
        assertEquals(100, FastKernel.chunkSteps(100, 1, 4 * 256), "a whole short sequence at batch 1");
        assertEquals(1, FastKernel.chunkSteps(100, 512, 4 * 1024), "at least one step");
    }

    @Test
    void theVectorApiIsInUseInTheseTests() {
        assertTrue(SimdSupport.vectorised(), "surefire adds jdk.incubator.vector; without it the vector path goes untested");
    }

    private static Stream<DynamicTest> tests(FastKernel kernel) {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            RecurrentNetwork net = RandomNetworks.network(c.cfg, c.peepholes, c.name.hashCode());
            RunInputs in = RandomNetworks.inputs(c.cfg, c.steps, c.batch, c.lengths, c.name.hashCode() + 1);
            if (c.mask) {
                in = in.withMask(RandomNetworks.mask(c.steps, c.batch, c.name.hashCode() + 2));
            }
            RunOutputs oracle = new NativeEngine(Precision.FLOAT64).withKernel(new NaiveKernel()).run(net, in);
            RunOutputs fast = new NativeEngine(Precision.FLOAT32).withKernel(kernel).run(net, in);
            new Closeness(c.name, TOL).outputs("fast float32 vs float64 reference", oracle, fast).check();
        }));
    }

    /** Steps split among threads by units and the input projection by rows give the same bits. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        List<NetworkConfig> configs = List.of(NetworkConfig.of(CellKind.LSTM, 17, 257).withBidirectional(true),
                NetworkConfig.of(CellKind.LSTM, 17, 257).withProjSize(130),
                NetworkConfig.of(CellKind.GRU, 17, 257),
                NetworkConfig.of(CellKind.GRU, 17, 257).withOptions(CellOptions.defaults(CellKind.GRU).withLinearBeforeReset(false)),
                NetworkConfig.of(CellKind.RNN_TANH, 17, 700));
        for (NetworkConfig cfg : configs) {
            RecurrentNetwork net = RandomNetworks.network(cfg, false, 11);
            RunInputs in = RandomNetworks.inputs(cfg, 5, 9, true, 12);
            long flops = 2L * 9 * cfg.cell().gates() * cfg.hiddenSize() * cfg.outputSize();
            assertTrue(flops >= FastKernel.PARALLEL_MIN_FLOPS, cfg + " is large enough to be split");
            RunOutputs one = new NativeEngine(Precision.FLOAT32).run(net, in);
            for (int threads : new int[] {2, 3}) {
                RunOutputs many = new NativeEngine(Precision.FLOAT32).withThreads(threads).run(net, in);
                assertSameBits(one, many, cfg + ", " + threads + " threads");
            }
        }
    }

    /** At batch 1 a large step is split by unit blocks too; the bits stay those of one thread. */
    @Test
    void oneRowStepsGiveTheSameBitsOnAnyThreadCount() {
        for (NetworkConfig cfg : List.of(NetworkConfig.of(CellKind.LSTM, 5, 700), NetworkConfig.of(CellKind.GRU, 5, 900))) {
            long flops = 2L * cfg.cell().gates() * cfg.hiddenSize() * cfg.outputSize();
            assertTrue(flops >= FastKernel.PARALLEL_MIN_FLOPS, cfg + " is large enough to be split");
            RecurrentNetwork net = RandomNetworks.network(cfg, false, 21);
            RunInputs in = RandomNetworks.inputs(cfg, 3, 1, false, 22);
            RunOutputs one = vectorEngine(1).run(net, in);
            RunOutputs two = vectorEngine(2).run(net, in);
            assertSameBits(one, two, cfg + ", 2 threads");
            RunOutputs oracle = new NativeEngine(Precision.FLOAT64).withKernel(new NaiveKernel()).run(net, in);
            new Closeness(cfg.toString(), TOL).outputs("2 threads vs float64 reference", oracle, two).check();
        }
    }

    /** With 2 threads the two directions run at once, one thread each: same bits as one thread, close to float64. */
    @Test
    void bothDirectionsAtOnceGiveTheSameBits() {
        for (CellKind cell : CellKind.values()) {
            NetworkConfig base = NetworkConfig.of(cell, 17, 255).withBidirectional(true).withLayers(2);
            NetworkConfig cfg = base.withOptions(base.options().withMasking(Masking.KERAS));
            RecurrentNetwork net = RandomNetworks.network(cfg, false, 31);
            RunInputs in = RandomNetworks.inputs(cfg, 5, 3, false, 32).withMask(RandomNetworks.mask(5, 3, 33));
            RunOutputs one = vectorEngine(1).run(net, in);
            RunOutputs two = vectorEngine(2).run(net, in);
            assertSameBits(one, two, cfg + ", 2 threads");
            RunOutputs oracle = new NativeEngine(Precision.FLOAT64).withKernel(new NaiveKernel()).run(net, in);
            new Closeness(cfg.toString(), TOL).outputs("2 threads vs float64 reference", oracle, two).check();
        }
    }

    /** Matrices large enough to start on a cache line ({@link AlignedFloats}) are read from there. */
    @Test
    void largeMatricesRunLikeTheReference() {
        for (CellKind cell : List.of(CellKind.LSTM, CellKind.GRU)) {
            NetworkConfig cfg = NetworkConfig.of(cell, 40, 520);
            assertTrue(4L * cell.gates() * 528 * 520 >= 2 << 20, "W_hh is large enough to be aligned");
            RecurrentNetwork net = RandomNetworks.network(cfg, false, 41);
            RunInputs in = RandomNetworks.inputs(cfg, 3, 5, true, 42);
            RunOutputs oracle = new NativeEngine(Precision.FLOAT64).withKernel(new NaiveKernel()).run(net, in);
            RunOutputs fast = vectorEngine(1).run(net, in);
            new Closeness(cfg.toString(), TOL).outputs("fast float32 vs float64 reference", oracle, fast).check();
        }
    }

    /** Every output of {@code many} bit for bit that of {@code one}. */
    private static void assertSameBits(RunOutputs one, RunOutputs many, String what) {
        assertArrayEquals(one.output().data(), many.output().data(), what + ": output");
        assertArrayEquals(one.hN().data(), many.hN().data(), what + ": h_n");
        if (one.cN() != null) {
            assertArrayEquals(one.cN().data(), many.cN().data(), what + ": c_n");
        }
    }

    /** The vector path whatever the size of the pass (the default engine takes plain Java below 2^25 FLOP). */
    private static NativeEngine vectorEngine(int threads) {
        return new NativeEngine(Precision.FLOAT32).withKernel(new FastKernel(SimdSupport.best(), threads));
    }

    @Test
    void weightsArePackedOncePerNetwork() {
        NetworkConfig cfg = NetworkConfig.of(CellKind.GRU, 5, 7).withLayers(2);
        RecurrentNetwork net = RandomNetworks.network(cfg, false, 3);
        RunInputs in = RandomNetworks.inputs(cfg, 3, 2, false, 4);
        NativeEngine engine = new NativeEngine(Precision.FLOAT32).withKernel(new FastKernel(SimdSupport.best(), 1));
        engine.run(net, in);
        PackedDirection first = PackCache.get(net.weights(0, false), cfg, SimdSupport.best().panelWidth());
        engine.run(net, in);
        assertSame(first, PackCache.get(net.weights(0, false), cfg, SimdSupport.best().panelWidth()),
                "the second run reuses the first run's packing");
    }
}

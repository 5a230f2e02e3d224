package dev.rnnport.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.UsageException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import dev.rnnport.testing.RandomNetworks;
import dev.rnnport.testing.Stepping;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Streaming one step at a time: over PyTorch's grid it gives what PyTorch gave for the whole
 * sequence and what the float32 engine gives; every option the engine runs streams too; the state
 * is PyTorch's h_n/c_n; a step allocates nothing; streams on one shared network do not interfere.
 */
class RecurrentStreamTest {

    private static boolean unidirectional(GridCase c) {
        return !c.flag("bidirectional");
    }

    @TestFactory
    Stream<DynamicTest> steppingTheGridGivesPyTorchsOutputs() {
        return GridCase.tests(RecurrentStreamTest::unidirectional, c -> {
            RecurrentNetwork net = c.network();
            RunOutputs stepped = Stepping.run(net, c.inputs());
            new Closeness(c.name() + " stepped vs PyTorch float32", 1e-5).outputs("", c.expected(), stepped).check();
            RunOutputs whole = new NativeEngine(Precision.FLOAT32).run(net, c.inputs());
            new Closeness(c.name() + " stepped vs forward", 1e-6).outputs("", whole, stepped).check();
        });
    }

    @Test
    void theGridHasUnidirectionalCasesOfEveryCell() {
        List<CellKind> cells = GridCase.all().stream().filter(RecurrentStreamTest::unidirectional).map(GridCase::cell).distinct().toList();
        assertTrue(cells.containsAll(List.of(CellKind.LSTM, CellKind.GRU, CellKind.RNN_TANH, CellKind.RNN_RELU)), cells.toString());
    }

    /** Options beyond PyTorch, checked against the float64 engine (the oracle) and the float32 one. */
    static Stream<NetworkConfig> optionConfigs() {
        CellOptions lstm = CellOptions.defaults(CellKind.LSTM);
        CellOptions gru = CellOptions.defaults(CellKind.GRU);
        Activation hardSigmoid = Activation.of(Activation.Kind.HARD_SIGMOID);
        Activation leaky = Activation.of(Activation.Kind.LEAKY_RELU).withAlpha(0.1);
        Activation scaledTanh = Activation.of(Activation.Kind.SCALED_TANH).withAlpha(1.5).withBeta(0.5);
        return Stream.of(
                NetworkConfig.of(CellKind.LSTM, 5, 6).withLayers(2).withOptions(lstm.withClip(0.7)),
                NetworkConfig.of(CellKind.LSTM, 5, 6).withOptions(lstm.withInputForget(true)),
                NetworkConfig.of(CellKind.LSTM, 5, 6).withOptions(lstm.withActivations(
                        List.of(hardSigmoid, leaky, scaledTanh), List.of(hardSigmoid, leaky, scaledTanh))),
                NetworkConfig.of(CellKind.LSTM, 5, 6).withLayers(3).withProjSize(3),
                NetworkConfig.of(CellKind.GRU, 5, 6).withLayers(2).withOptions(gru.withLinearBeforeReset(false).withClip(0.9)),
                NetworkConfig.of(CellKind.GRU, 5, 6).withBias(false).withOptions(gru.withActivations(
                        List.of(hardSigmoid, scaledTanh), List.of(hardSigmoid, scaledTanh))),
                NetworkConfig.of(CellKind.RNN_RELU, 5, 6).withLayers(2).withBatchFirst(true),
                NetworkConfig.of(CellKind.RNN_TANH, 5, 6).withOptions(CellOptions.defaults(CellKind.RNN_TANH).withClip(0.5)));
    }

    @TestFactory
    Stream<DynamicTest> everyOptionTheEngineRunsStreams() {
        return optionConfigs().map(cfg -> DynamicTest.dynamicTest(cfg.cell() + " " + cfg.options(), () -> {
            for (boolean peepholes : cfg.cell() == CellKind.LSTM && cfg.projSize() == 0 ? new boolean[] {false, true} : new boolean[] {false}) {
                RecurrentNetwork net = RandomNetworks.of(cfg, 42, peepholes);
                RunInputs in = inputs(cfg, 3, 9, 7);
                RunOutputs stepped = Stepping.run(net, in);
                new Closeness("peepholes " + peepholes + ": stepped vs float64", 1e-5)
                        .outputs("", new NativeEngine(Precision.FLOAT64).run(net, in), stepped).check();
                new Closeness("peepholes " + peepholes + ": stepped vs float32 forward", 1e-6)
                        .outputs("", new NativeEngine(Precision.FLOAT32).run(net, in), stepped).check();
                RunOutputs reference = new NativeEngine(Precision.FLOAT32).withKernel(new NaiveKernel()).run(net, in);
                RunOutputs exact = Stepping.run(net, in, true);
                assertEquals(reference.output(), exact.output(), "a reference stream: the reference kernel's float32 values, exactly");
                assertEquals(reference.hN(), exact.hN());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> maskedStepsKeepTheStateAndOutputAsTheConventionSays() {
        return Stream.of(Masking.ZEROS, Masking.KERAS, Masking.kerasMaskValue(0.0)).flatMap(masking -> Stream.of(
                NetworkConfig.of(CellKind.LSTM, 4, 5).withLayers(2).withProjSize(3),
                NetworkConfig.of(CellKind.GRU, 4, 5).withBatchFirst(true),
                NetworkConfig.of(CellKind.RNN_TANH, 4, 5)).map(c -> c.withOptions(c.options().withMasking(masking)))
                .map(cfg -> DynamicTest.dynamicTest(cfg.cell() + " " + masking, () -> {
                    RecurrentNetwork net = RandomNetworks.of(cfg, 11);
                    int batch = 3;
                    int steps = 8;
                    RunInputs in = inputs(cfg, batch, steps, 12);
                    // Holes anywhere, a sequence masked from its start, and one never masked.
                    double[] mask = new double[batch * steps];
                    java.util.Arrays.fill(mask, 1);
                    for (int t : new int[] {2, 3, 6}) {
                        mask[t] = 0;
                    }
                    mask[steps] = 0;
                    mask[steps + 1] = 0;
                    in = in.withMask(Tensor.of(DType.F32, new int[] {batch, steps}, mask));
                    if (cfg.options().masking().maskValue() != null) {
                        // Step 4 of sequence 2 holds only the mask value.
                        double[] x = in.input().data().clone();
                        for (int k = 0; k < cfg.inputSize(); k++) {
                            x[(cfg.batchFirst() ? 2 * steps + 4 : 4 * batch + 2) * cfg.inputSize() + k] = 0.0;
                        }
                        in = new RunInputs(Tensor.of(DType.F32, in.input().shape(), x), in.h0(), in.c0(), null, in.mask());
                    }
                    RunOutputs stepped = Stepping.run(net, in);
                    new Closeness("stepped vs float32 forward", 1e-6).outputs("", new NativeEngine(Precision.FLOAT32).run(net, in), stepped).check();
                    new Closeness("stepped vs float64", 1e-5).outputs("", new NativeEngine(Precision.FLOAT64).run(net, in), stepped).check();
                })));
    }

    @Test
    void kerasRepeatsTheLastOutputAtAMaskedStepAndResetForgetsIt() {
        NetworkConfig cfg = NetworkConfig.of(CellKind.GRU, 2, 3);
        RecurrentStream s = RandomNetworks.of(cfg.withOptions(cfg.options().withMasking(Masking.KERAS)), 4).openStream(1);
        float[] x = {0.5f, -1f};
        assertArrayEquals(new float[3], s.step(x, new boolean[] {false}), "zeros before the first valid step");
        float[] first = s.step(x).clone();
        assertArrayEquals(first, s.step(x, new boolean[] {false}), "the previous output, repeated");
        s.reset();
        assertArrayEquals(new float[3], s.step(x, new boolean[] {false}), "reset forgets the carried output");
        assertThrows(UsageException.class, () -> s.step(x, new boolean[2]));
    }

    /** Random input, h0 and (LSTM) c0 of the network's shapes. */
    static RunInputs inputs(NetworkConfig cfg, int batch, int steps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] x = cfg.batchFirst() ? new int[] {batch, steps, cfg.inputSize()} : new int[] {steps, batch, cfg.inputSize()};
        RunInputs in = RunInputs.of(RandomNetworks.uniform(r, 2, x))
                .withH0(RandomNetworks.uniform(r, 1, cfg.numLayers(), batch, cfg.outputSize()));
        return cfg.cell() == CellKind.LSTM ? in.withC0(RandomNetworks.uniform(r, 1, cfg.numLayers(), batch, cfg.hiddenSize())) : in;
    }

    @Test
    void stateIsPyTorchsHnAndResetGoesBackToTheOpeningState() {
        GridCase c = GridCase.named("lstm_l2_proj_h0");
        RecurrentNetwork net = c.network();
        RunInputs in = c.inputs();
        int batch = in.input().dim(1);
        RecurrentStream s = net.openStream(batch, in.h0(), in.c0());
        assertArrayEquals(in.h0().toFloatArray(), s.hN(), "before any step h_n is h0");
        float[] x = new float[batch * net.config().inputSize()];
        x[0] = 0.5f;
        float[] first = s.step(x).clone();
        float[] again = s.step(x);
        assertSame(again, s.step(x), "the output buffer is the stream's own");
        s.reset();
        assertArrayEquals(in.h0().toFloatArray(), s.hN());
        assertArrayEquals(in.c0().toFloatArray(), s.cN());
        assertArrayEquals(first, s.step(x), "after reset the stream repeats itself");
        RecurrentStream fromArrays = net.openStream(batch, in.h0().toFloatArray(), in.c0().toFloatArray());
        assertArrayEquals(first, fromArrays.step(x), "arrays and tensors open the same stream");
        assertEquals(net.config().numLayers() * batch * net.config().outputSize(), s.hN().length);
        assertNull(GridCase.named("gru_l1").network().openStream(2).cN(), "a GRU has no cell state");
    }

    @Test
    void aReverseDirectionCannotBeStreamed() {
        RecurrentNetwork bi = GridCase.named("lstm_l1_bi").network();
        UsageException e = assertThrows(UsageException.class, () -> bi.openStream(1));
        assertEquals("a bidirectional LSTM cannot be streamed: its reverse direction reads the sequence from its end,"
                + " so it needs the whole sequence; run it with forward()", e.getMessage());
        NetworkConfig reverse = NetworkConfig.of(CellKind.GRU, 2, 3).withOptions(CellOptions.defaults(CellKind.GRU).withReverseOnly(true));
        assertTrue(assertThrows(UsageException.class, () -> RandomNetworks.of(reverse, 1).openStream(1))
                .getMessage().startsWith("a reverse-only GRU cannot be streamed"));
    }

    @Test
    void wrongSizesSayWhatTheStreamExpects() {
        RecurrentStream s = GridCase.named("lstm_l2").network().openStream(2);
        int in = s.inputSize();
        UsageException e = assertThrows(UsageException.class, () -> s.step(new float[in]));
        assertEquals("a step's input has " + in + " values, the stream expects " + 2 * in + " (batch 2 × input_size " + in + ")",
                e.getMessage());
        RecurrentNetwork net = GridCase.named("lstm_l2").network();
        assertThrows(UsageException.class, () -> net.openStream(2, new float[3], null));
        assertThrows(UsageException.class, () -> net.openStream(2, Tensor.zeros(DType.F32, 2, 3, net.config().outputSize()), null));
        assertThrows(UsageException.class, () -> GridCase.named("gru_l1").network().openStream(1, null, new float[1]));
        assertThrows(UsageException.class, () -> net.openStream(0));
    }

    @Test
    void aStepAllocatesNothingInSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (NetworkConfig cfg : List.of(NetworkConfig.of(CellKind.LSTM, 8, 12).withLayers(2).withProjSize(4),
                NetworkConfig.of(CellKind.LSTM, 8, 12).withOptions(CellOptions.defaults(CellKind.LSTM).withClip(3)),
                NetworkConfig.of(CellKind.GRU, 8, 12).withOptions(CellOptions.defaults(CellKind.GRU)
                        .withLinearBeforeReset(false).withMasking(Masking.kerasMaskValue(0.0))),
                NetworkConfig.of(CellKind.GRU, 8, 12).withLayers(2),
                NetworkConfig.of(CellKind.RNN_RELU, 8, 12).withLayers(2))) {
            RecurrentNetwork net = RandomNetworks.of(cfg, 3, cfg.projSize() == 0 && cfg.cell() == CellKind.LSTM);
            float[] x = new float[2 * 8];
            boolean[] valid = {true, false};
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) / 7f - 0.5f;
            }
            float[] y = new float[2 * cfg.outputSize()];
            for (RecurrentStream s : List.of(net.openReferenceStream(2, null, null), net.openStream(2))) {
                // The reference cells have no allocation to remove; the fast kernel's vectors are
                // objects until the JIT compiles the step and keeps them in registers, so it needs
                // a warm-up first. Steady state is the first round of 10,000 steps allocating nothing.
                long allocated = -1;
                int rounds = 0;
                while (allocated != 0 && rounds++ < 60) {
                    long before = threads.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < 10_000; i++) {
                        if (i % 2 == 0) {
                            s.step(x, i % 3 == 0 ? valid : null);
                        } else {
                            s.stepInto(x, i % 3 == 0 ? valid : null, y);
                        }
                    }
                    allocated = threads.getThreadAllocatedBytes(tid) - before;
                }
                assertEquals(0, allocated, cfg.cell() + ": 10,000 steps still allocate after " + rounds + " rounds of warm-up");
            }
        }
    }

    @Test
    void streamsOnOneSharedNetworkDoNotInterfere() throws Exception {
        RecurrentNetwork shared = RandomNetworks.of(NetworkConfig.of(CellKind.LSTM, 6, 10).withLayers(2).withProjSize(4), 9, false);
        int threads = 8;
        List<RunInputs> inputs = new ArrayList<>();
        List<RunOutputs> serial = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            inputs.add(inputs(shared.config(), 2, 300, 100 + i));
            serial.add(Stepping.run(shared, inputs.get(i)));
        }
        // A fresh copy, so that the threads also race to pack its float32 cells.
        RecurrentNetwork fresh = new RecurrentNetwork(shared.config(), shared.weights());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<RunOutputs>> parallel = new ArrayList<>();
            for (RunInputs in : inputs) {
                parallel.add(pool.submit(() -> Stepping.run(fresh, in)));
            }
            for (int i = 0; i < threads; i++) {
                RunOutputs got = parallel.get(i).get();
                assertEquals(serial.get(i).output(), got.output(), "thread " + i + " output");
                assertEquals(serial.get(i).hN(), got.hN(), "thread " + i + " h_n");
                assertEquals(serial.get(i).cN(), got.cN(), "thread " + i + " c_n");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.backend.Backend;
import dev.rnnport.backend.Backends;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.GridCase;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A loaded network is immutable and may be shared: eight threads run one network at once, each on
 * its own input and state, and every result is bit for bit what a serial run of the same input gives.
 */
class ConcurrencyTest {
    private static final int THREADS = 8;

    /** Random inputs and states in the grid case's shapes, one set per thread. */
    private static List<RunInputs> inputsPerThread(GridCase grid) {
        RunInputs template = grid.inputs();
        List<RunInputs> all = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            SplittableRandom random = new SplittableRandom(1000 + i);
            RunInputs in = RunInputs.of(randomLike(template.input(), random));
            if (template.h0() != null) {
                in = in.withH0(randomLike(template.h0(), random));
            }
            if (template.c0() != null) {
                in = in.withC0(randomLike(template.c0(), random));
            }
            all.add(in.withLengths(template.lengths()));
        }
        return all;
    }

    private static Tensor randomLike(Tensor t, SplittableRandom random) {
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return Tensor.of(DType.F32, t.shape(), v);
    }

    private interface Runner {
        RunOutputs run(RunInputs in);
    }

    /** Runs every input serially, then all at once from {@link #THREADS} threads released together. */
    private static void assertSameAsSerial(List<RunInputs> inputs, Runner runner) throws Exception {
        List<RunOutputs> serial = new ArrayList<>();
        for (RunInputs in : inputs) {
            serial.add(runner.run(in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RunOutputs>> futures = new ArrayList<>();
            for (RunInputs in : inputs) {
                Callable<RunOutputs> task = () -> {
                    start.await();
                    RunOutputs last = null;
                    for (int repeat = 0; repeat < 5; repeat++) {
                        last = runner.run(in);
                    }
                    return last;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (int i = 0; i < inputs.size(); i++) {
                RunOutputs parallel = futures.get(i).get();
                assertArrayEquals(serial.get(i).output().data(), parallel.output().data(), "output of thread " + i);
                assertArrayEquals(serial.get(i).hN().data(), parallel.hN().data(), "h_n of thread " + i);
                if (serial.get(i).cN() != null) {
                    assertArrayEquals(serial.get(i).cN().data(), parallel.cN().data(), "c_n of thread " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneNetworkRunsFromEightThreadsAtOnceInEveryPrecision() throws Exception {
        for (String name : new String[] {"lstm_l2_bi_bf_h0_len", "gru_l2_bi_h0_len", "lstm_l2_proj_h0"}) {
            GridCase grid = GridCase.named(name);
            RecurrentNetwork shared = grid.network();
            List<RunInputs> inputs = inputsPerThread(grid);
            assertEquals(THREADS, inputs.size());
            for (Precision p : Precision.values()) {
                NativeEngine engine = new NativeEngine(p);
                assertSameAsSerial(inputs, in -> engine.run(shared, in));
            }
            assertSameAsSerial(inputs, in -> shared.forward(in.input()));
        }
    }

    @Test
    void oneOnnxRuntimeBackendServesEightThreads() throws Exception {
        GridCase grid = GridCase.named("lstm_l2_bi_bf_h0_len");
        RecurrentNetwork shared = grid.network();
        try (Backend ort = Backends.named("onnxruntime", 1)) {
            assertSameAsSerial(inputsPerThread(grid), in -> ort.run(shared, in, Precision.FLOAT32));
        }
    }
}

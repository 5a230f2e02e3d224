package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend's life cycle and settings, observed on ONNX Runtime itself. */
class OnnxRuntimeBackendTest {
    private static final GridCase LSTM = GridCase.named("lstm_l1");
    private static final Path LSTM_ONNX = LSTM.dir().resolve("model.onnx");

    /**
     * ONNX Runtime's intra-op pool starts threads-1 native threads per session (the calling thread
     * is the last worker) and stops them when the session is freed. They are not Java threads, so
     * they are counted in /proc; they inherit the name of the thread that created the session.
     */
    @Test
    void intraOpThreadsSetTheSessionsThreadPool() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counting native threads needs Linux /proc");
        for (int threads : new int[] {1, 3}) {
            Set<String> before = tasks();
            Set<String> started;
            try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(threads)) {
                assertEquals(threads, ort.intraOpThreads());
                ort.runFile(LSTM_ONNX, LSTM.inputs(), Precision.FLOAT32);
                started = settled(before, threads - 1);
                assertEquals(threads - 1, started.size(), "native pool threads with " + threads + " intra-op threads");
                ort.runFile(LSTM_ONNX, LSTM.inputs(), Precision.FLOAT32);
                assertEquals(started, settled(before, threads - 1), "a second run of the same file reuses its session");
                var net = LSTM.network();
                ort.run(net, LSTM.inputs(), Precision.FLOAT32);
                ort.run(net, LSTM.inputs(), Precision.FLOAT32);
                started = settled(before, 2 * (threads - 1));
                assertEquals(2 * (threads - 1), started.size(), "one session for the file and one for the network");
            }
            assertEquals(Set.of(), settled(before, 0), "pool threads still running after close()");
        }
    }

    /** Only a few sessions are kept: the least recently used one is freed when another is loaded. */
    @Test
    void keepsAFewSessionsAndFreesTheOldest(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counting native threads needs Linux /proc");
        Set<String> before = tasks();
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(2)) {
            for (int i = 0; i < 6; i++) {
                // Distinct files with the same graph: each one is a session of its own.
                Path copy = Files.copy(LSTM_ONNX, tmp.resolve("copy" + i + ".onnx"));
                ort.runFile(copy, LSTM.inputs(), Precision.FLOAT32);
            }
            assertEquals(4, settled(before, 4).size(), "one pool thread per kept session");
        }
        assertEquals(Set.of(), settled(before, 0), "pool threads still running after close()");
    }

    @Test
    void closeIsIdempotentAndRunsAfterItFailFast() {
        OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1);
        ort.runFile(LSTM_ONNX, LSTM.inputs(), Precision.FLOAT32);
        ort.close();
        ort.close();
        List<Runnable> uses = List.of(
                () -> ort.runFile(LSTM_ONNX, LSTM.inputs(), Precision.FLOAT32),
                () -> ort.runGraph(LSTM_ONNX, List.of(LSTM.npy("input.npy"))),
                () -> ort.run(LSTM.network(), LSTM.inputs(), Precision.FLOAT32));
        for (Runnable use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void negativeThreadCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new OnnxRuntimeBackend(-1));
    }

    @Test
    void float64IsRefusedForAFloat32FileRunAsIs() {
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            UsageException e = assertThrows(UsageException.class,
                    () -> ort.runFile(LSTM_ONNX, LSTM.inputs(), Precision.FLOAT64));
            assertTrue(e.getMessage().contains("float32 graph"), e.getMessage());
        }
    }

    /** The graph computes in float32; a float64 input is converted, and the results say float32. */
    @Test
    void fileRunsInTheGraphsElementType() {
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            RunOutputs out = ort.runFile(LSTM_ONNX, RunInputs.of(LSTM.npy("input.npy").as(DType.F64)), Precision.FLOAT32);
            assertEquals(DType.F32, out.output().dtype());
            new Closeness("lstm_l1", 1e-5).tensor("output", LSTM.npy("output.npy"), out.output()).check();
        }
    }

    /** An initial state the graph takes but the caller leaves out is zeros, as in PyTorch. */
    @Test
    void omittedInitialStatesAreZeros() {
        GridCase c = GridCase.named("lstm_l1_h0");
        Path onnx = c.dir().resolve("model.onnx");
        RunInputs in = c.inputs();
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            RunOutputs omitted = ort.runFile(onnx, RunInputs.of(in.input()), Precision.FLOAT32);
            RunOutputs zeros = ort.runFile(onnx, RunInputs.of(in.input())
                    .withH0(Tensor.zeros(DType.F32, in.h0().shape())).withC0(Tensor.zeros(DType.F32, in.c0().shape())),
                    Precision.FLOAT32);
            new Closeness(c.name(), 0).outputs("omitted vs zero states", zeros, omitted).check();
        }
    }

    @Test
    void aTensorThatDoesNotFitNamesTheGraphInput() {
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            Tensor x = LSTM.npy("input.npy");
            int[] s = x.shape();
            Tensor wrong = Tensor.zeros(DType.F32, s[0], s[1], s[2] + 1);
            ModelException e = assertThrows(ModelException.class,
                    () -> ort.runFile(LSTM_ONNX, RunInputs.of(wrong), Precision.FLOAT32));
            assertTrue(e.getMessage().contains("graph input input float["), e.getMessage());
            assertTrue(e.getMessage().contains("cannot take a tensor of shape"), e.getMessage());
        }
    }

    @Test
    void anInputTheGraphHasNoPlaceForIsAUsageError() {
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            Tensor x = LSTM.npy("input.npy");
            RunInputs in = RunInputs.of(x).withLengths(Tensor.ofDoubles(new int[] {x.dim(1)}, new double[x.dim(1)]));
            UsageException e = assertThrows(UsageException.class, () -> ort.runFile(LSTM_ONNX, in, Precision.FLOAT32));
            assertTrue(e.getMessage().contains("--lengths"), e.getMessage());
        }
    }

    @Test
    void aMissingFileIsAModelError() {
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            ModelException e = assertThrows(ModelException.class,
                    () -> ort.runFile(Path.of("no/such.onnx"), LSTM.inputs(), Precision.FLOAT32));
            assertTrue(e.getMessage().startsWith("no/such.onnx: "), e.getMessage());
        }
    }

    /**
     * PyTorch cannot pack a sequence of length 0, so there is no reference run; its meaning is the
     * project's (zero outputs, the initial state kept), where ONNX Runtime's own sequence_lens
     * gives a zero state. The other sequences must still match the native float64 engine.
     */
    @Test
    void aSequenceOfLengthZeroGivesZeroOutputsAndItsInitialState() {
        GridCase c = GridCase.named("lstm_l2_bi_bf_h0_len");
        RunInputs given = c.inputs();
        double[] lengths = given.lengths().data().clone();
        lengths[1] = 0;
        RunInputs in = given.withLengths(Tensor.of(DType.I64, given.lengths().shape(), lengths));
        try (OnnxRuntimeBackend ort = new OnnxRuntimeBackend(1)) {
            RunOutputs out = ort.run(c.network(), in, Precision.FLOAT32);
            int[] h = out.hN().shape();
            for (int s = 0; s < h[0]; s++) {
                for (int k = 0; k < h[2]; k++) {
                    assertEquals(in.h0().get(s, 1, k), out.hN().get(s, 1, k), "h_n[" + s + ", 1, " + k + "]");
                    assertEquals(in.c0().get(s, 1, k), out.cN().get(s, 1, k), "c_n[" + s + ", 1, " + k + "]");
                }
            }
            int[] y = out.output().shape();
            for (int t = 0; t < y[1]; t++) {
                for (int k = 0; k < y[2]; k++) {
                    assertEquals(0.0, out.output().get(1, t, k), "output[1, " + t + ", " + k + "] (batch_first)");
                }
            }
            RunOutputs oracle = new NativeEngine(Precision.FLOAT64).run(c.network(), in);
            new Closeness(c.name(), 1e-5).outputs("ONNX Runtime vs native float64", oracle, out).check();
        }
    }

    /**
     * The threads {@link #startedByThisThread} finds once their number is {@code expected}, or
     * after two seconds whatever it is then. A joined thread can stay listed in /proc for a moment
     * (the kernel wakes the joiner before it removes the task), so one look can count a thread of
     * a session that was already freed.
     */
    private static Set<String> settled(Set<String> before, int expected) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        Set<String> found = startedByThisThread(before);
        while (found.size() != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = startedByThisThread(before);
        }
        return found;
    }

    /** Ids of this process's native threads. */
    private static Set<String> tasks() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** Threads started since {@code before} that carry this thread's name, as ONNX Runtime's pool threads do. */
    private static Set<String> startedByThisThread(Set<String> before) throws IOException {
        String mine = Files.readString(Path.of("/proc/thread-self/comm")).trim();
        Set<String> now = tasks();
        now.removeAll(before);
        Set<String> same = new HashSet<>();
        for (String id : now) {
            try {
                if (Files.readString(Path.of("/proc/self/task", id, "comm")).trim().equals(mine)) {
                    same.add(id);
                }
            } catch (IOException gone) {
                // the thread ended between listing and reading
            }
        }
        return same;
    }
}

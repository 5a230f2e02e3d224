package dev.rnnport.jmh;

import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole sequence (input 64, seq_len 100) through a one-layer LSTM or GRU, float32: the native
 * engine against ONNX Runtime on the same weights and input, the grid of {@code bench/run-all.sh}.
 * Both are called as a library user calls them: {@link NativeEngine#run} and
 * {@link OnnxRuntimeBackend#run}, which converts the input to ONNX Runtime's tensors and the
 * outputs back, as any caller must.
 *
 * <p>Run from {@code bench/jmh.sh}; about 13 s per configuration and engine with these defaults.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// The native engine's fast kernel uses the Vector API, an incubator module in Java 17. The heap is
// touched at start, so that no run pays the first touch of its pages (BENCHMARKS.md, "Machine").
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ForwardBenchmark {
    private static final int INPUT_SIZE = 64;
    private static final int SEQ_LEN = 100;

    @Param({"lstm", "gru"})
    public String cell;

    @Param({"128", "256", "512"})
    public int hidden;

    @Param({"1", "32"})
    public int batch;

    /** The native engine's threads and ONNX Runtime's intra-op threads. */
    @Param({"1", "2"})
    public int threads;

    private RecurrentNetwork network;
    private RunInputs inputs;
    private NativeEngine engine;
    private OnnxRuntimeBackend onnxRuntime;

    @Setup(Level.Trial)
    public void setUp() {
        network = RandomNetworks.network(cell, INPUT_SIZE, hidden);
        inputs = RunInputs.of(RandomNetworks.input(network.config(), SEQ_LEN, batch));
        engine = new NativeEngine(Precision.FLOAT32).withThreads(threads);
        onnxRuntime = new OnnxRuntimeBackend(threads);
        // The first ONNX Runtime run writes the network as ONNX and creates the session the benchmark reuses.
        Agreement.require(network + ", batch " + batch, nativeForward(), onnxRuntime());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        onnxRuntime.close();
    }

    @Benchmark
    public RunOutputs nativeForward() {
        return engine.run(network, inputs);
    }

    @Benchmark
    public RunOutputs onnxRuntime() {
        return onnxRuntime.run(network, inputs, Precision.FLOAT32);
    }
}

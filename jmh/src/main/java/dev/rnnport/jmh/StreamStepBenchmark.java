package dev.rnnport.jmh;

import ai.onnxruntime.OrtException;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
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
 * One time step at batch 1 on one thread (input 64), for online inference: the library's stream
 * ({@link RecurrentNetwork#openStream}, {@link RecurrentStream#stepInto}) against ONNX Runtime at
 * its best from Java ({@link OrtStreamStepper}). Each invocation steps the next of 256 fixed
 * frames, carrying the state on, as a live stream does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class StreamStepBenchmark {
    private static final int INPUT_SIZE = 64;
    private static final int FRAMES = 256;
    /** Steps from the zero state over which both must agree before anything is timed. */
    private static final int CHECK_STEPS = 64;

    @Param({"lstm", "gru"})
    public String cell;

    @Param({"128", "256"})
    public int hidden;

    private float[][] frames;
    private float[] y;
    private RecurrentStream stream;
    private OrtStreamStepper onnxRuntime;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        RecurrentNetwork network = RandomNetworks.network(cell, INPUT_SIZE, hidden);
        frames = RandomNetworks.frames(INPUT_SIZE, FRAMES);
        y = new float[network.config().outputSize()];
        stream = network.openStream(1);
        onnxRuntime = new OrtStreamStepper(network);
        float[] ortY = new float[y.length];
        for (int t = 0; t < CHECK_STEPS; t++) {
            stream.stepInto(frames[t], y);
            onnxRuntime.step(frames[t], ortY);
            Agreement.require(network + ", step " + t, y, ortY);
        }
        stream.reset();
        onnxRuntime.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        onnxRuntime.close();
    }

    @Benchmark
    public float[] nativeStep() {
        stream.stepInto(nextFrame(), y);
        return y;
    }

    @Benchmark
    public float[] onnxRuntimeStep() throws OrtException {
        onnxRuntime.step(nextFrame(), y);
        return y;
    }

    private float[] nextFrame() {
        float[] x = frames[next];
        next = (next + 1) % FRAMES;
        return x;
    }
}

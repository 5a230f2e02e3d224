package dev.rnnport.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
import dev.rnnport.nn.fast.ReadBandwidth;
import dev.rnnport.nn.fast.SimdSupport;
import dev.rnnport.nn.fast.StepKernel;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rnnport bench --stream}: the latency of one time step at batch 1 on one thread, for online
 * inference. Three steppers run the same network on the same frames: the native stream
 * ({@link RecurrentStream#stepInto}); ONNX Runtime at its best from Java (the network's ONNX model
 * run with seq_len 1, input and state tensors created once over direct buffers, outputs written
 * into pinned tensors, the new state fed back by swapping two sets of state tensors, no copy); and
 * ONNX Runtime called the ordinary way (new tensors every step, outputs copied out to float
 * arrays). Each times every step; the steppers take turns in rounds, so that a slow spell of a
 * shared machine hits them all. Reports median and spread per step, the fastest round's median,
 * bytes allocated per step, and the memory bound: the packed weights a step must read against the
 * read bandwidth measured at that size.
 */
final class StreamBench {
    private static final int ROUNDS = 5;
    private static final int FRAMES = 256;
    private static final int CHECK_STEPS = 64;

    private final RecurrentNetwork net;
    private final int steps;
    private final PrintWriter out;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    StreamBench(RecurrentNetwork net, int steps, PrintWriter out) {
        this.net = net;
        this.steps = steps;
        this.out = out;
    }

    /** One way of advancing the network by one step: x in, the top layer's output into y. */
    private interface Stepper extends AutoCloseable {
        String name();

        void step(float[] x, float[] y);

        /** Back to the zero state. */
        void reset();

        @Override
        void close();
    }

    int run(int batch, int threadsOption) {
        NetworkConfig cfg = net.config();
        if (batch != 1 || threadsOption != 1) {
            throw new UsageException("bench --stream measures batch 1 on one thread; leave --batch and --threads at 1");
        }
        if (steps < 100) {
            throw new UsageException("bench --stream needs at least 100 steps per round, found " + steps);
        }
        RecurrentStream probe = net.openStream(1);
        float[][] frames = BenchNetworks.frames(cfg.inputSize(), FRAMES);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        out.printf(Locale.ROOT, "%s, batch 1, one step at a time, 1 thread: %d rounds of %d steps per stepper, turn by turn,"
                + " after %d warm-up steps each%n", net, ROUNDS, steps, 2 * steps);
        out.printf(Locale.ROOT, "native arithmetic: %s; %d processors; Java %s; load average %.2f at start%n",
                SimdSupport.describe(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                os.getSystemLoadAverage());
        List<Stepper> steppers = new ArrayList<>();
        try {
            steppers.add(new NativeStepper(probe));
            byte[] onnx = OnnxWriter.toModel(net, 0).toByteArray();
            steppers.add(new OrtBest(onnx, cfg));
            steppers.add(new OrtOrdinary(onnx, cfg));
            double[] diffs = check(steppers, frames);
            int n = steppers.size();
            long[][] nanos = new long[n][ROUNDS * steps];
            long[] allocated = new long[n];
            float[] y = new float[cfg.outputSize()];
            for (Stepper s : steppers) {
                s.reset();
                for (int i = 0; i < 2 * steps; i++) {
                    s.step(frames[i % FRAMES], y);
                }
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < n; k++) {
                    allocated[k] += timeRound(steppers.get(k), frames, y, nanos[k], r * steps);
                }
            }
            report(cfg, steppers, nanos, allocated, diffs, os);
        } finally {
            for (Stepper s : steppers) {
                s.close();
            }
        }
        return Main.OK;
    }

    /** Times {@code steps} steps into {@code nanos[from..]}; returns the bytes the thread allocated meanwhile. */
    private long timeRound(Stepper s, float[][] frames, float[] y, long[] nanos, int from) {
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < steps; i++) {
            float[] x = frames[i % FRAMES];
            long t0 = System.nanoTime();
            s.step(x, y);
            nanos[from + i] = System.nanoTime() - t0;
        }
        return threads.getThreadAllocatedBytes(tid) - before;
    }

    /** Every stepper from the zero state over the same frames: the largest difference from the first one's outputs. */
    private static double[] check(List<Stepper> steppers, float[][] frames) {
        float[][] first = null;
        double[] diffs = new double[steppers.size()];
        for (int k = 0; k < steppers.size(); k++) {
            Stepper s = steppers.get(k);
            s.reset();
            float[][] ys = new float[CHECK_STEPS][];
            for (int t = 0; t < CHECK_STEPS; t++) {
                ys[t] = new float[outputs(s)];
                s.step(frames[t % FRAMES], ys[t]);
            }
            if (first == null) {
                first = ys;
                continue;
            }
            double worst = 0;
            for (int t = 0; t < CHECK_STEPS; t++) {
                for (int j = 0; j < ys[t].length; j++) {
                    worst = Math.max(worst, Math.abs(ys[t][j] - first[t][j]));
                }
            }
            diffs[k] = worst;
        }
        return diffs;
    }

    private static int outputs(Stepper s) {
        return s instanceof NativeStepper n ? n.stream.outputSize() : ((OrtStepper) s).out;
    }

    private void report(NetworkConfig cfg, List<Stepper> steppers, long[][] nanos, long[] allocated, double[] diffs,
                        OperatingSystemMXBean os) {
        long weightBytes = StepKernel.of(net).weightBytesPerStep();
        double cacheBw = ReadBandwidth.bytesPerSecond(weightBytes, 2000);
        double dramBw = ReadBandwidth.bytesPerSecond(256L << 20, 2000);
        out.printf(Locale.ROOT, "%-13s %10s %9s %9s %14s %11s %11s%n", "stepper", "median µs", "p10 µs", "p90 µs",
                "fastest-round", "bytes/step", "max |diff|");
        double[] median = new double[steppers.size()];
        double[] fastest = new double[steppers.size()];
        for (int k = 0; k < steppers.size(); k++) {
            long[] all = nanos[k].clone();
            Arrays.sort(all);
            median[k] = all[all.length / 2] / 1e3;
            fastest[k] = Double.MAX_VALUE;
            for (int r = 0; r < ROUNDS; r++) {
                long[] round = Arrays.copyOfRange(nanos[k], r * steps, (r + 1) * steps);
                Arrays.sort(round);
                fastest[k] = Math.min(fastest[k], round[steps / 2] / 1e3);
            }
            out.printf(Locale.ROOT, "%-13s %10.2f %9.2f %9.2f %14.2f %11.1f %11s%n", steppers.get(k).name(), median[k],
                    all[all.length / 10] / 1e3, all[all.length * 9 / 10] / 1e3, fastest[k],
                    (double) allocated[k] / (ROUNDS * steps), k == 0 ? "(reference)" : String.format(Locale.ROOT, "%.1e", diffs[k]));
        }
        out.printf(Locale.ROOT, "native / ort-best: %.3f (median), %.3f (fastest round); native / ort-ordinary: %.3f (median), %.3f (fastest round)%n",
                median[0] / median[1], fastest[0] / fastest[1], median[0] / median[2], fastest[0] / fastest[2]);
        double bound = weightBytes / cacheBw * 1e6;
        out.printf(Locale.ROOT, "memory bound: a step reads %,d bytes of packed weights; read bandwidth at that size (best of many passes) %.1f GB/s"
                        + " -> at least %.2f µs/step; native fastest round at %.0f%% of that bound"
                        + " (DRAM read, 256 MB: %.1f GB/s -> %.2f µs/step if the weights came from memory)%n",
                weightBytes, cacheBw / 1e9, bound, 100 * bound / fastest[0], dramBw / 1e9, weightBytes / dramBw * 1e6);
        out.printf(Locale.ROOT, "load average %.2f at end%n", os.getSystemLoadAverage());
        out.flush();
    }

    private static final class NativeStepper implements Stepper {
        final RecurrentStream stream;

        NativeStepper(RecurrentStream stream) {
            this.stream = stream;
        }

        @Override
        public String name() {
            return "native";
        }

        @Override
        public void step(float[] x, float[] y) {
            stream.stepInto(x, y);
        }

        @Override
        public void reset() {
            stream.reset();
        }

        @Override
        public void close() {
        }
    }

    /** A session on the network's ONNX model with one intra-op thread, sequential execution, every graph optimisation. */
    private abstract static class OrtStepper implements Stepper {
        final OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "rnnport");
        final OrtSession session;
        final boolean lstm;
        final int in;
        final int out;
        final int hidden;
        final int layers;

        OrtStepper(byte[] onnx, NetworkConfig cfg) {
            this.lstm = cfg.cell() == CellKind.LSTM;
            this.in = cfg.inputSize();
            this.out = cfg.outputSize();
            this.hidden = cfg.hiddenSize();
            this.layers = cfg.numLayers();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                o.setInterOpNumThreads(1);
                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(onnx, o);
            } catch (OrtException e) {
                throw new ModelException("ONNX Runtime cannot load the network's ONNX model: " + e.getMessage(), e);
            }
        }

        static ModelException failed(OrtException e) {
            return new ModelException("ONNX Runtime failed a step: " + e.getMessage().replaceAll("\\s+", " "), e);
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw failed(e);
            }
        }
    }

    /**
     * ONNX Runtime at its best from Java: every tensor made once over direct buffers; the outputs
     * are pinned, so ONNX Runtime writes them in place; step t reads state set A and writes set B,
     * step t+1 the other way round, so the new state is never copied.
     */
    private static final class OrtBest extends OrtStepper {
        final FloatBuffer x;
        final FloatBuffer y;
        final FloatBuffer[] h = new FloatBuffer[2];
        final FloatBuffer[] c = new FloatBuffer[2];
        final List<OnnxTensor> tensors = new ArrayList<>();
        final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
        final List<Map<String, OnnxTensor>> pinned = new ArrayList<>();
        int turn;

        OrtBest(byte[] onnx, NetworkConfig cfg) {
            super(onnx, cfg);
            try {
                x = direct(in);
                y = direct(out);
                OnnxTensor xt = tensor(x, 1, 1, in);
                OnnxTensor yt = tensor(y, 1, 1, out);
                OnnxTensor[] ht = new OnnxTensor[2];
                OnnxTensor[] ct = new OnnxTensor[2];
                for (int s = 0; s < 2; s++) {
                    h[s] = direct(layers * out);
                    ht[s] = tensor(h[s], layers, 1, out);
                    if (lstm) {
                        c[s] = direct(layers * hidden);
                        ct[s] = tensor(c[s], layers, 1, hidden);
                    }
                }
                for (int s = 0; s < 2; s++) {
                    Map<String, OnnxTensor> feed = new HashMap<>();
                    feed.put("input", xt);
                    feed.put("h0", ht[s]);
                    Map<String, OnnxTensor> pin = new HashMap<>();
                    pin.put("output", yt);
                    pin.put("h_n", ht[1 - s]);
                    if (lstm) {
                        feed.put("c0", ct[s]);
                        pin.put("c_n", ct[1 - s]);
                    }
                    feeds.add(feed);
                    pinned.add(pin);
                }
            } catch (OrtException e) {
                close();
                throw failed(e);
            }
        }

        private static FloatBuffer direct(int n) {
            return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private OnnxTensor tensor(FloatBuffer b, long... shape) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(env, b, shape);
            tensors.add(t);
            return t;
        }

        @Override
        public String name() {
            return "ort-best";
        }

        @Override
        public void step(float[] in, float[] out) {
            x.put(0, in);
            try (OrtSession.Result r = session.run(feeds.get(turn), pinned.get(turn))) {
                turn = 1 - turn;
            } catch (OrtException e) {
                throw failed(e);
            }
            y.get(0, out);
        }

        @Override
        public void reset() {
            for (int s = 0; s < 2; s++) {
                h[s].put(0, new float[h[s].capacity()]);
                if (lstm) {
                    c[s].put(0, new float[c[s].capacity()]);
                }
            }
            turn = 0;
        }

        @Override
        public void close() {
            for (OnnxTensor t : tensors) {
                t.close();
            }
            super.close();
        }
    }

    /** ONNX Runtime as most code calls it: new tensors from float arrays every step, outputs copied out. */
    private static final class OrtOrdinary extends OrtStepper {
        float[] h;
        float[] c;

        OrtOrdinary(byte[] onnx, NetworkConfig cfg) {
            super(onnx, cfg);
            reset();
        }

        @Override
        public String name() {
            return "ort-ordinary";
        }

        @Override
        public void step(float[] x, float[] y) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                feed.put("input", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, in}));
                feed.put("h0", OnnxTensor.createTensor(env, FloatBuffer.wrap(h), new long[] {layers, 1, out}));
                if (lstm) {
                    feed.put("c0", OnnxTensor.createTensor(env, FloatBuffer.wrap(c), new long[] {layers, 1, hidden}));
                }
                try (OrtSession.Result r = session.run(feed)) {
                    float[][][] yv = (float[][][]) r.get("output").orElseThrow().getValue();
                    System.arraycopy(yv[0][0], 0, y, 0, out);
                    h = flat((float[][][]) r.get("h_n").orElseThrow().getValue());
                    if (lstm) {
                        c = flat((float[][][]) r.get("c_n").orElseThrow().getValue());
                    }
                }
            } catch (OrtException e) {
                throw failed(e);
            } finally {
                for (OnnxTensor t : feed.values()) {
                    t.close();
                }
            }
        }

        private static float[] flat(float[][][] v) {
            int w = v[0][0].length;
            float[] f = new float[v.length * w];
            for (int l = 0; l < v.length; l++) {
                System.arraycopy(v[l][0], 0, f, l * w, w);
            }
            return f;
        }

        @Override
        public void reset() {
            h = new float[layers * out];
            c = lstm ? new float[layers * hidden] : null;
        }
    }
}

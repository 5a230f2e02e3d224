package dev.rnnport.nn;

import dev.rnnport.nn.fast.FastKernel;
import dev.rnnport.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a {@link RecurrentNetwork} in pure Java: layers in order, each direction over the whole
 * sequence, directions concatenated on the last axis (forward first), as torch.nn does.
 *
 * <p>Inference by default: dropout is ignored. {@link #training(long)} applies the network's
 * dropout between layers with a seeded generator, for reproducible training-mode runs.
 *
 * <p>Float32 runs on {@link FastKernel} (packed float weights, vectorised where the JVM has the
 * Vector API), on one thread unless {@link #withThreads} says more; float64 runs on
 * {@link NaiveKernel}, the exact reference. A single float32 sequence runs stepwise through the
 * streaming step kernel instead ({@link StepwiseRun}), unless {@link #withKernel} chose the kernel.
 */
public final class NativeEngine {
    private final Precision precision;
    private final DirectionKernel kernel;
    private final boolean training;
    private final long seed;
    /** The engine's own choice of kernel, free to run single sequences stepwise ({@link StepwiseRun}). */
    private final boolean ownKernel;

    public NativeEngine(Precision precision) {
        this(precision, precision == Precision.FLOAT32 ? new FastKernel() : new NaiveKernel(), false, 0, true);
    }

    private NativeEngine(Precision precision, DirectionKernel kernel, boolean training, long seed, boolean ownKernel) {
        this.precision = precision;
        this.kernel = kernel;
        this.training = training;
        this.seed = seed;
        this.ownKernel = ownKernel;
    }

    /** The same engine with another cell implementation, which then runs every pass. */
    public NativeEngine withKernel(DirectionKernel k) {
        return new NativeEngine(precision, k, training, seed, false);
    }

    /**
     * The same engine computing with up to {@code threads} threads where the kernel can use them
     * (the fast float32 kernel, on large enough steps). Results do not depend on the count.
     */
    public NativeEngine withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threads);
        }
        return new NativeEngine(precision, kernel instanceof FastKernel f ? f.withThreads(threads) : kernel, training, seed,
                ownKernel);
    }

    /** The same engine in training mode: dropout between layers, drawn from {@code seed}. */
    public NativeEngine training(long dropoutSeed) {
        return new NativeEngine(precision, kernel, true, dropoutSeed, ownKernel);
    }

    public Precision precision() {
        return precision;
    }

    public RunOutputs run(RecurrentNetwork net, RunInputs inputs) {
        NetworkConfig cfg = net.config();
        TimeMajorBatch b = TimeMajorBatch.of(cfg, inputs);
        if (ownKernel && precision == Precision.FLOAT32 && StepwiseRun.applies(net, b, training && cfg.dropout() > 0)) {
            return StepwiseRun.run(net, b, kernel instanceof FastKernel f ? f.threads() : 1);
        }
        if (precision == Precision.FLOAT32 && kernel instanceof FastKernel fast) {
            return runFloats(net, b, fast);
        }
        int dirs = cfg.directions();
        int out = cfg.outputSize();
        int hidden = cfg.hiddenSize();
        int batch = b.batch;
        int steps = b.steps;
        int states = dirs * cfg.numLayers();
        double[] hN = new double[states * batch * out];
        double[] cN = cfg.cell() == CellKind.LSTM ? new double[states * batch * hidden] : null;
        SplittableRandom random = new SplittableRandom(seed);

        double[] layerInput = b.x();
        int inputSize = cfg.inputSize();
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            double[] layerOutput = new double[steps * batch * dirs * out];
            List<DirectionPass> passes = new ArrayList<>(dirs);
            for (int d = 0; d < dirs; d++) {
                int state = layer * dirs + d;
                double[] h = slice(b.h0, state, batch * out);
                double[] c = cN == null ? null : slice(b.c0, state, batch * hidden);
                double[] y = new double[steps * batch * out];
                boolean reversed = d == 1 || cfg.options().reverseOnly();
                passes.add(new DirectionPass(cfg, net.weights(layer, d == 1), reversed, precision, steps, batch,
                        inputSize, b.valid, layerInput, h, c, y));
            }
            kernel.runAll(passes);
            for (int d = 0; d < dirs; d++) {
                int state = layer * dirs + d;
                DirectionPass p = passes.get(d);
                System.arraycopy(p.h(), 0, hN, state * batch * out, batch * out);
                if (p.c() != null) {
                    System.arraycopy(p.c(), 0, cN, state * batch * hidden, batch * hidden);
                }
                for (int tn = 0; tn < steps * batch; tn++) {
                    System.arraycopy(p.y(), tn * out, layerOutput, (tn * dirs + d) * out, out);
                }
            }
            if (training && cfg.dropout() > 0 && layer < cfg.numLayers() - 1) {
                applyDropout(layerOutput, cfg.dropout(), random);
            }
            layerInput = layerOutput;
            inputSize = dirs * out;
        }
        DType dtype = precision == Precision.FLOAT32 ? DType.F32 : DType.F64;
        return b.outputs(layerInput, hN, cN, dtype);
    }

    /**
     * The float32 run on the fast kernel, in floats from the input to the outputs: both directions
     * write into one layer output, which is the next layer's input and finally the output tensor.
     */
    private RunOutputs runFloats(RecurrentNetwork net, TimeMajorBatch b, FastKernel fast) {
        NetworkConfig cfg = net.config();
        int dirs = cfg.directions();
        int out = cfg.outputSize();
        int hidden = cfg.hiddenSize();
        int states = dirs * cfg.numLayers();
        float[] hN = new float[states * b.batch * out];
        float[] cN = cfg.cell() == CellKind.LSTM ? new float[states * b.batch * hidden] : null;
        SplittableRandom random = new SplittableRandom(seed);
        float[] layerInput = b.xFloats();
        int inputSize = cfg.inputSize();
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            float[] layerOutput = new float[b.steps * b.batch * dirs * out];
            List<FloatPass> passes = new ArrayList<>(dirs);
            for (int d = 0; d < dirs; d++) {
                int state = layer * dirs + d;
                float[] h = floatSlice(b.h0, state, b.batch * out);
                float[] c = cN == null ? null : floatSlice(b.c0, state, b.batch * hidden);
                boolean reversed = d == 1 || cfg.options().reverseOnly();
                passes.add(new FloatPass(cfg, net.weights(layer, d == 1), reversed, b.steps, b.batch, inputSize, b.valid,
                        layerInput, h, c, layerOutput, dirs * out, d * out));
            }
            fast.runFloats(passes);
            for (int d = 0; d < dirs; d++) {
                int state = layer * dirs + d;
                System.arraycopy(passes.get(d).h(), 0, hN, state * b.batch * out, b.batch * out);
                if (cN != null) {
                    System.arraycopy(passes.get(d).c(), 0, cN, state * b.batch * hidden, b.batch * hidden);
                }
            }
            if (training && cfg.dropout() > 0 && layer < cfg.numLayers() - 1) {
                applyDropout(layerOutput, cfg.dropout(), random);
            }
            layerInput = layerOutput;
            inputSize = dirs * out;
        }
        return b.outputs(layerInput, hN, cN);
    }

    private static float[] floatSlice(double[] all, int index, int len) {
        float[] s = new float[len];
        if (all != null) {
            for (int i = 0; i < len; i++) {
                s[i] = (float) all[index * len + i];
            }
        }
        return s;
    }

    /** As for doubles, from the same draws: a kept value scaled in double and rounded, as the next layer would. */
    private static void applyDropout(float[] v, double p, SplittableRandom random) {
        double scale = 1.0 / (1.0 - p);
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() < p ? 0f : (float) (v[i] * scale);
        }
    }

    private static double[] slice(double[] all, int index, int len) {
        double[] s = new double[len];
        if (all != null) {
            System.arraycopy(all, index * len, s, 0, len);
        }
        return s;
    }

    private static void applyDropout(double[] v, double p, SplittableRandom random) {
        double scale = 1.0 / (1.0 - p);
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() < p ? 0.0 : v[i] * scale;
        }
    }
}

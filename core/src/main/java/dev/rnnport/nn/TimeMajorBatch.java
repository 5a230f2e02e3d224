package dev.rnnport.nn;

import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;

/**
 * {@link RunInputs} checked against a network and brought into the one form the engines compute
 * on: time-major (L, N, input) with a batch axis, states (D*layers, N, size), a length per sequence.
 * {@link #outputs} turns results back into the caller's shapes. Every shape error names the
 * dimension and what the network expects.
 */
public final class TimeMajorBatch {
    public final int steps;
    public final int batch;
    public final boolean unbatched;
    /** The caller's input, and whether it is batch-major (to be swapped to time-major). */
    private final Tensor input;
    private final boolean swap;
    /** (L, N, input_size) row-major, in doubles or in floats, each made on first use. */
    private double[] x;
    private float[] xFloats;
    /** (D*layers, N, H_out) or null for zeros. */
    public final double[] h0;
    /** (D*layers, N, hidden_size) or null for zeros. */
    public final double[] c0;
    /**
     * Valid steps per sequence, all L when nothing is invalid: the number of leading valid steps,
     * which is the whole story when {@link #paddedAtEnd()} (lengths, or a mask that only pads the end).
     */
    public final int[] lengths;
    /** Whether step t of sequence n is valid, at index t*N+n; from lengths, the mask and a mask value. */
    public final boolean[] valid;
    private final NetworkConfig config;

    private TimeMajorBatch(NetworkConfig config, int steps, int batch, boolean unbatched, Tensor input, boolean swap,
                           double[] h0, double[] c0, boolean[] valid) {
        this.config = config;
        this.steps = steps;
        this.batch = batch;
        this.unbatched = unbatched;
        this.input = input;
        this.swap = swap;
        this.h0 = h0;
        this.c0 = c0;
        this.valid = valid;
        this.lengths = leadingValidSteps(valid, steps, batch);
    }

    /** The input (L, N, input_size) row-major as doubles; do not modify. */
    public synchronized double[] x() {
        if (x == null) {
            x = swap ? swapFirstAxes(input.data(), batch, steps, config.inputSize()) : input.data();
        }
        return x;
    }

    /**
     * The input (L, N, input_size) row-major as floats, without making doubles from a tensor held
     * as floats (what a float32 run computes on); do not modify.
     */
    public synchronized float[] xFloats() {
        if (xFloats == null) {
            float[] f = input.toFloatArray();
            xFloats = swap ? swapFirstAxes(f, batch, steps, config.inputSize()) : f;
        }
        return xFloats;
    }

    public boolean hasLengths() {
        return Arrays.stream(lengths).anyMatch(l -> l != steps);
    }

    /** True when every sequence's invalid steps all come after its valid ones, as with lengths. */
    public boolean paddedAtEnd() {
        for (int n = 0; n < batch; n++) {
            for (int t = lengths[n]; t < steps; t++) {
                if (valid[t * batch + n]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The first step, as "sequence n, step t", that is masked while a later one of its sequence is valid; null if none. */
    public String firstHole() {
        for (int n = 0; n < batch; n++) {
            for (int t = lengths[n]; t < steps; t++) {
                if (valid[t * batch + n]) {
                    return "sequence " + n + ", step " + lengths[n];
                }
            }
        }
        return null;
    }

    private static int[] leadingValidSteps(boolean[] valid, int steps, int batch) {
        int[] out = new int[batch];
        for (int n = 0; n < batch; n++) {
            int t = 0;
            while (t < steps && valid[t * batch + n]) {
                t++;
            }
            out[n] = t;
        }
        return out;
    }

    public static TimeMajorBatch of(NetworkConfig config, RunInputs in) {
        Tensor input = in.input();
        int[] s = input.shape();
        String expect = config.batchFirst()
                ? "(batch, seq_len, input_size=" + config.inputSize() + ") or unbatched (seq_len, input_size)"
                : "(seq_len, batch, input_size=" + config.inputSize() + ") or unbatched (seq_len, input_size)";
        if (s.length != 2 && s.length != 3) {
            throw new ModelException("input has rank " + s.length + " " + Shapes.format(s) + ", the network expects " + expect);
        }
        if (s[s.length - 1] != config.inputSize()) {
            throw new ModelException("input dimension " + (s.length - 1) + " (input_size) is " + s[s.length - 1]
                    + ", the network expects " + config.inputSize() + " (input shape " + Shapes.format(s) + ")");
        }
        boolean unbatched = s.length == 2;
        int steps = unbatched ? s[0] : config.batchFirst() ? s[1] : s[0];
        int batch = unbatched ? 1 : config.batchFirst() ? s[0] : s[1];
        boolean swap = !unbatched && config.batchFirst();
        int states = config.directions() * config.numLayers();
        double[] h0 = state(in.h0(), "h0", states, batch, config.outputSize(), unbatched);
        double[] c0 = null;
        if (in.c0() != null) {
            if (config.cell() != CellKind.LSTM) {
                throw new ModelException("c0 was given but a " + config.cell().moduleName() + " has no cell state");
            }
            c0 = state(in.c0(), "c0", states, batch, config.hiddenSize(), unbatched);
        }
        boolean[] valid = new boolean[steps * batch];
        Arrays.fill(valid, true);
        int[] lengths = lengths(in.lengths(), batch, steps);
        for (int n = 0; n < batch; n++) {
            for (int t = lengths[n]; t < steps; t++) {
                valid[t * batch + n] = false;
            }
        }
        applyMask(in.mask(), valid, steps, batch, unbatched);
        Double maskValue = config.options().masking().maskValue();
        TimeMajorBatch b = new TimeMajorBatch(config, steps, batch, unbatched, input, swap, h0, c0, valid);
        if (maskValue != null) {
            applyMaskValue(b.x(), maskValue, config.inputSize(), valid);
        }
        return b;
    }

    /** A caller's mask, (N, L) or (L) unbatched: zero marks an invalid step. */
    private static void applyMask(Tensor mask, boolean[] valid, int steps, int batch, boolean unbatched) {
        if (mask == null) {
            return;
        }
        int[] want = unbatched ? new int[] {steps} : new int[] {batch, steps};
        if (!Arrays.equals(mask.shape(), want)) {
            throw new ModelException("mask has shape " + mask.shapeString() + ", expected " + Shapes.format(want)
                    + (unbatched ? " (seq_len)" : " (batch, seq_len)") + ", one value per step, nonzero where valid");
        }
        double[] m = mask.data();
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                if (m[n * steps + t] == 0) {
                    valid[t * batch + n] = false;
                }
            }
        }
    }

    /** Keras's Masking layer: a step whose every feature equals the mask value is masked. */
    private static void applyMaskValue(double[] x, double maskValue, int features, boolean[] valid) {
        for (int tn = 0; tn < valid.length; tn++) {
            boolean all = true;
            for (int k = 0; k < features && all; k++) {
                all = x[tn * features + k] == maskValue;
            }
            if (all) {
                valid[tn] = false;
            }
        }
    }

    private static double[] state(Tensor t, String name, int states, int batch, int size, boolean unbatched) {
        if (t == null) {
            return null;
        }
        int[] want = unbatched ? new int[] {states, size} : new int[] {states, batch, size};
        if (!Arrays.equals(t.shape(), want)) {
            throw new ModelException(name + " has shape " + t.shapeString() + ", the network expects " + Shapes.format(want)
                    + " (directions*num_layers, " + (unbatched ? "" : "batch, ") + "size)");
        }
        return t.data();
    }

    private static int[] lengths(Tensor t, int batch, int steps) {
        int[] out = new int[batch];
        if (t == null) {
            Arrays.fill(out, steps);
            return out;
        }
        if (t.size() != batch || t.rank() > 1) {
            throw new ModelException("lengths has shape " + t.shapeString() + ", expected [" + batch + "] (one length per sequence)");
        }
        for (int n = 0; n < batch; n++) {
            double v = t.data()[n];
            if (v != Math.rint(v) || v < 0 || v > steps) {
                throw new ModelException("lengths[" + n + "] is " + v + ", expected a whole number from 0 to seq_len " + steps);
            }
            out[n] = (int) v;
        }
        return out;
    }

    /** (A, B, C) to (B, A, C): between time-major and batch-major sequences. */
    public static double[] swapFirstAxes(double[] src, int a, int b, int c) {
        double[] dst = new double[src.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * c, dst, (j * a + i) * c, c);
            }
        }
        return dst;
    }

    /** (A, B, C) to (B, A, C), in floats. */
    public static float[] swapFirstAxes(float[] src, int a, int b, int c) {
        float[] dst = new float[src.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * c, dst, (j * a + i) * c, c);
            }
        }
        return dst;
    }

    /** Float32 results, time-major, wrapped (not copied unless swapped) in the caller's shapes. */
    public RunOutputs outputs(float[] y, float[] hN, float[] cN) {
        int width = config.directions() * config.outputSize();
        int states = config.directions() * config.numLayers();
        Tensor output;
        if (unbatched) {
            output = Tensor.ofFloats(new int[] {steps, width}, y);
        } else if (config.batchFirst()) {
            output = Tensor.ofFloats(new int[] {batch, steps, width}, swapFirstAxes(y, steps, batch, width));
        } else {
            output = Tensor.ofFloats(new int[] {steps, batch, width}, y);
        }
        Tensor h = Tensor.ofFloats(unbatched ? new int[] {states, config.outputSize()}
                : new int[] {states, batch, config.outputSize()}, hN);
        Tensor c = cN == null ? null : Tensor.ofFloats(unbatched ? new int[] {states, config.hiddenSize()}
                : new int[] {states, batch, config.hiddenSize()}, cN);
        return new RunOutputs(output, h, c);
    }

    /** Wraps time-major results in the caller's shapes. */
    public RunOutputs outputs(double[] y, double[] hN, double[] cN, DType dtype) {
        int width = config.directions() * config.outputSize();
        int states = config.directions() * config.numLayers();
        Tensor output;
        if (unbatched) {
            output = Tensor.of(dtype, new int[] {steps, width}, y);
        } else if (config.batchFirst()) {
            output = Tensor.of(dtype, new int[] {batch, steps, width}, swapFirstAxes(y, steps, batch, width));
        } else {
            output = Tensor.of(dtype, new int[] {steps, batch, width}, y);
        }
        Tensor h = Tensor.of(dtype, unbatched ? new int[] {states, config.outputSize()}
                : new int[] {states, batch, config.outputSize()}, hN);
        Tensor c = cN == null ? null : Tensor.of(dtype, unbatched ? new int[] {states, config.hiddenSize()}
                : new int[] {states, batch, config.hiddenSize()}, cN);
        return new RunOutputs(output, h, c);
    }
}

package dev.rnnport.nn;

import dev.rnnport.UsageException;
import dev.rnnport.nn.fast.StepKernel;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A unidirectional network run one time step at a time, for online inference: each {@link #step}
 * takes the inputs of one step for every sequence of the batch and returns the top layer's
 * outputs, carrying the state of every layer to the next call. Stepping a whole sequence gives
 * what {@link RecurrentNetwork#forward} gives for it in float32, within float32 rounding: a step
 * runs the fast kernel's arithmetic ({@link StepKernel}: per layer one matrix-vector product over
 * weights packed once per network, then the fused gate update). A stream opened with
 * {@link RecurrentNetwork#openReferenceStream} gives instead exactly the reference kernel's
 * ({@link NaiveKernel}) float32 values, more slowly.
 *
 * <pre>{@code
 * RecurrentStream s = net.openStream(1);
 * for (float[] x : frames) {
 *     float[] y = s.step(x);        // (batch, H_out), valid until the next step
 * }
 * float[] h = s.hN();               // (num_layers, batch, H_out), as PyTorch's h_n
 * }</pre>
 *
 * <p>Where latency matters, {@link #stepInto(float[], float[])} writes the outputs into the caller's
 * array instead.
 *
 * <p>A step can leave some sequences out ({@link #step(float[], boolean[])}), as a mask or the end
 * of a shorter sequence does; a network with a Keras mask value leaves out a sequence whose step
 * input is all that value. A sequence left out keeps its state, and outputs zeros (PyTorch's and
 * ONNX's convention) or its previous output (Keras's), as {@link CellOptions#masking()} says.
 *
 * <p>A stream holds its own state and buffers and is not thread-safe; the network it comes from
 * is immutable and may be shared: open one stream per thread. In steady state a step allocates
 * nothing. Created by {@link RecurrentNetwork#openStream}.
 */
public final class RecurrentStream {
    private final NetworkConfig config;
    /** The reference cells, or null when the fast kernel steps. */
    private final List<StepCell> cells;
    private final StepCell.Workspace workspace;
    private final StepKernel kernel;
    private final StepKernel.Workspace kernelSpace;
    private final int batch;
    private final int layers;
    private final int out;
    private final int hidden;
    private final float[] h;
    private final float[] c;
    private final float[] h0;
    private final float[] c0;
    private final float[] preIn;
    private final float[] y;
    /** Which sequences this step advances. */
    private final boolean[] live;
    /** Keras: each sequence's last output, repeated at a masked step; null for the zeros convention. */
    private final float[] carried;
    private final Double maskValue;

    private RecurrentStream(NetworkConfig config, List<StepCell> cells, StepKernel kernel, int batch, float[] h0, float[] c0,
                            int threads) {
        this.config = config;
        this.cells = cells;
        this.kernel = kernel;
        this.batch = batch;
        this.layers = config.numLayers();
        this.out = config.outputSize();
        this.hidden = config.hiddenSize();
        this.workspace = cells == null ? null : new StepCell.Workspace(config);
        this.kernelSpace = kernel == null ? null : kernel.newWorkspace(threads);
        this.h0 = h0;
        this.c0 = c0;
        this.h = h0.clone();
        this.c = c0 == null ? null : c0.clone();
        this.preIn = new float[config.cell().gates() * hidden];
        this.y = new float[batch * out];
        this.live = new boolean[batch];
        Masking masking = config.options().masking();
        this.carried = masking.steps() == MaskedSteps.CARRY_OUTPUT ? new float[batch * out] : null;
        this.maskValue = masking.maskValue();
    }

    /** Opens a fast stream on {@code net}, checking what the caller gave; h0 and c0 may be null for zeros. */
    static RecurrentStream open(RecurrentNetwork net, int batch, float[] h0, float[] c0) {
        return open(net, batch, h0, c0, false, 1);
    }

    /**
     * @param reference step with the reference cells (exact float32 values) rather than the fast kernel
     * @param threads   threads the fast kernel may split a large step's products between (same results)
     */
    static RecurrentStream open(RecurrentNetwork net, int batch, float[] h0, float[] c0, boolean reference, int threads) {
        NetworkConfig cfg = net.config();
        if (cfg.bidirectional() || cfg.options().reverseOnly()) {
            throw new UsageException("a " + (cfg.bidirectional() ? "bidirectional " : "reverse-only ") + cfg.cell().moduleName()
                    + " cannot be streamed: its reverse direction reads the sequence from its end, so it needs the whole"
                    + " sequence; run it with forward()");
        }
        if (batch <= 0) {
            throw new UsageException("a stream's batch must be at least 1, found " + batch);
        }
        boolean lstm = cfg.cell() == CellKind.LSTM;
        int hSize = cfg.numLayers() * batch * cfg.outputSize();
        int cSize = cfg.numLayers() * batch * cfg.hiddenSize();
        float[] h = h0 == null ? new float[hSize] : checked("h0", h0, hSize, cfg.numLayers(), batch, cfg.outputSize());
        if (c0 != null && !lstm) {
            throw new UsageException("c0 was given but a " + cfg.cell().moduleName() + " has no cell state");
        }
        float[] c = !lstm ? null : c0 == null ? new float[cSize] : checked("c0", c0, cSize, cfg.numLayers(), batch, cfg.hiddenSize());
        return reference ? new RecurrentStream(cfg, net.stepCells(), null, batch, h, c, 1)
                : new RecurrentStream(cfg, null, StepKernel.of(net), batch, h, c, threads);
    }

    private static float[] checked(String name, float[] v, int size, int layers, int batch, int width) {
        if (v.length != size) {
            throw new UsageException(name + " has " + v.length + " values, the stream expects " + size
                    + " (num_layers " + layers + " × batch " + batch + " × " + width + ")");
        }
        return v.clone();
    }

    /** PyTorch's (num_layers, batch, size) state, or (num_layers, size) for a batch of one; null stays null. */
    static float[] state(Tensor t, String name, int layers, int batch, int size) {
        if (t == null) {
            return null;
        }
        int[] want = {layers, batch, size};
        int[] s = t.shape();
        boolean unbatched = batch == 1 && Arrays.equals(s, new int[] {layers, size});
        if (!unbatched && !Arrays.equals(s, want)) {
            throw new UsageException(name + " has shape " + t.shapeString() + ", the stream expects " + Shapes.format(want)
                    + " (num_layers, batch, size)");
        }
        return t.toFloatArray();
    }

    /**
     * Advances every sequence of the batch by one time step.
     *
     * @param x the step's inputs, (batch, input_size) row-major; read, not kept
     * @return the top layer's outputs, (batch, H_out) row-major, where H_out is proj_size when the
     *         LSTM projects and hidden_size otherwise. The array belongs to the stream and is
     *         overwritten by the next step: copy it to keep it.
     * @throws UsageException when {@code x} does not hold batch × input_size values
     */
    public float[] step(float[] x) {
        return step(x, null);
    }

    /**
     * Advances the sequences {@code valid} marks by one time step; the others keep their state.
     *
     * @param x     the step's inputs, (batch, input_size) row-major; read, not kept
     * @param valid per sequence, whether this step is one of its own (false: masked, or past its end);
     *              null for all
     * @return the top layer's outputs, (batch, H_out) row-major, in the stream's own buffer (valid until
     *         the next step); a sequence left out outputs zeros or, with Keras's convention, its previous output
     * @throws UsageException when {@code x} or {@code valid} has the wrong size
     */
    public float[] step(float[] x, boolean[] valid) {
        advance(x, valid);
        return y;
    }

    /**
     * Advances every sequence by one time step and writes the top layer's outputs into {@code y}:
     * the step for a caller that keeps its own buffers. Allocates nothing.
     *
     * @param x the step's inputs, (batch, input_size) row-major; read, not kept
     * @param y receives the outputs, (batch, H_out) row-major
     * @throws UsageException when {@code x} or {@code y} has the wrong size
     */
    public void stepInto(float[] x, float[] y) {
        stepInto(x, null, y);
    }

    /**
     * {@link #stepInto(float[], float[])} for the sequences {@code valid} marks, as {@link #step(float[], boolean[])}.
     */
    public void stepInto(float[] x, boolean[] valid, float[] y) {
        if (y.length != batch * out) {
            throw new UsageException("the output array has " + y.length + " values, the stream writes " + batch * out
                    + " (batch " + batch + " × H_out " + out + ")");
        }
        advance(x, valid);
        System.arraycopy(this.y, 0, y, 0, y.length);
    }

    private void advance(float[] x, boolean[] valid) {
        int in = config.inputSize();
        if (x.length != batch * in) {
            throw new UsageException("a step's input has " + x.length + " values, the stream expects "
                    + batch * in + " (batch " + batch + " × input_size " + in + ")");
        }
        if (valid != null && valid.length != batch) {
            throw new UsageException("valid has " + valid.length + " entries, the stream expects one per sequence (batch " + batch + ")");
        }
        for (int n = 0; n < batch; n++) {
            live[n] = (valid == null || valid[n]) && !masked(x, n * in, in);
        }
        for (int layer = 0; layer < layers; layer++) {
            // Layer k > 0 reads the new state of layer k − 1, which is that layer's output at this step.
            float[] input = layer == 0 ? x : h;
            int inWidth = config.layerInputSize(layer);
            int inBase = layer == 0 ? 0 : (layer - 1) * batch * out;
            for (int n = 0; n < batch; n++) {
                if (!live[n]) {
                    continue;
                }
                int hOff = (layer * batch + n) * out;
                int cOff = (layer * batch + n) * hidden;
                if (kernel != null) {
                    kernel.step(layer, input, inBase + n * inWidth, h, hOff, c, cOff, kernelSpace);
                } else {
                    StepCell cell = cells.get(layer);
                    cell.project(input, inBase + n * inWidth, preIn, 0);
                    cell.advance(preIn, 0, h, hOff, c, cOff, workspace);
                }
            }
        }
        int top = (layers - 1) * batch * out;
        for (int n = 0; n < batch; n++) {
            if (live[n]) {
                System.arraycopy(h, top + n * out, y, n * out, out);
                if (carried != null) {
                    System.arraycopy(h, top + n * out, carried, n * out, out);
                }
            } else if (carried != null) {
                System.arraycopy(carried, n * out, y, n * out, out);
            } else {
                Arrays.fill(y, n * out, (n + 1) * out, 0f);
            }
        }
    }

    /** Keras's Masking layer: every feature of the sequence's step equals the mask value. */
    private boolean masked(float[] x, int off, int len) {
        if (maskValue == null) {
            return false;
        }
        double m = maskValue;
        for (int k = 0; k < len; k++) {
            if (x[off + k] != m) {
                return false;
            }
        }
        return true;
    }

    /** @return a copy of the hidden state, (num_layers, batch, H_out) row-major: PyTorch's h_n */
    public float[] hN() {
        return h.clone();
    }

    /** @return a copy of the LSTM cell state, (num_layers, batch, hidden_size) row-major: PyTorch's c_n; null for GRU and RNN */
    public float[] cN() {
        return c == null ? null : c.clone();
    }

    /** Goes back to the state the stream was opened with (zeros, or the h0 and c0 given), as if no step had been taken. */
    public void reset() {
        System.arraycopy(h0, 0, h, 0, h.length);
        if (carried != null) {
            Arrays.fill(carried, 0f);
        }
        if (c != null) {
            System.arraycopy(c0, 0, c, 0, c.length);
        }
    }

    /** @return the number of sequences stepped together */
    public int batch() {
        return batch;
    }

    /** @return values per sequence in a step's input: input_size */
    public int inputSize() {
        return config.inputSize();
    }

    /** @return values per sequence in a step's output: proj_size when the LSTM projects, else hidden_size */
    public int outputSize() {
        return out;
    }
}

package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;
import java.util.List;

/**
 * One direction of one layer as a float32 cell function: advances one sequence by one time step.
 * The weights are copied once into float arrays in PyTorch's layout and gate order; the state
 * lives in the caller's arrays and is updated in place. {@link RecurrentStream} steps it; a
 * whole-sequence kernel can use {@link #project} for every step at once and {@link #advance} per
 * step, since the cell body needs nothing else.
 *
 * <p>With x the layer's input, h and c the state, f, g, h the direction's activations (sigmoid,
 * tanh, tanh unless ONNX says otherwise), W_q* the rows of gate q and ⊙ the element-wise product:
 *
 * <p><b>LSTM</b> (gates i, f, g, o; p_i, p_f, p_o the peepholes, absent in PyTorch):
 * <pre>
 *   i  = f(W_ii x + b_ii + W_hi h + b_hi + p_i ⊙ c)
 *   f  = f(W_if x + b_if + W_hf h + b_hf + p_f ⊙ c)        or 1 − i with input_forget
 *   g  = g(W_ig x + b_ig + W_hg h + b_hg)
 *   c' = f ⊙ c + i ⊙ g
 *   o  = f(W_io x + b_io + W_ho h + b_ho + p_o ⊙ c')
 *   h' = o ⊙ h(c'),   then h' = W_hr h' when proj_size &gt; 0
 * </pre>
 *
 * <p><b>GRU</b> (gates r, z, n):
 * <pre>
 *   r  = f(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = f(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = g(W_in x + b_in + r ⊙ (W_hn h + b_hn))      linear_before_reset: PyTorch, ONNX lbr=1, Keras reset_after=True
 *   n  = g(W_in x + b_in + W_hn (r ⊙ h) + b_hn)      otherwise: ONNX's default, Keras reset_after=False
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 *
 * <p><b>RNN</b>: {@code h' = f(W_ih x + b_ih + W_hh h + b_hh)}, f tanh or relu.
 *
 * <p>A clip, when set, bounds every gate's pre-activation to [−clip, clip] as ONNX Runtime does.
 * Every stored value is a float, rounded where {@link NaiveKernel} rounds in float32: dot products
 * are summed in double (a product of two floats is exact there), so a stream and the float32
 * reference kernel agree exactly (the fast kernel, within float32 rounding). Instances are immutable and may be shared by any
 * number of threads, each with its own {@link Workspace}.
 */
public final class StepCell {
    private final CellKind cell;
    private final int inputSize;
    private final int hidden;
    private final int out;
    private final int gh;
    private final float[] wIh;
    private final float[] wHh;
    private final float[] bIh;
    private final float[] bHh;
    private final float[] wHr;
    private final float[] peep;
    private final Activation fAct;
    private final Activation gAct;
    private final Activation hAct;
    private final double clip;
    private final boolean inputForget;
    private final boolean linearBeforeReset;

    /**
     * The cell of one direction of one layer.
     *
     * @param reverse the reverse direction of a bidirectional layer (its weights and activations)
     */
    public StepCell(RecurrentNetwork net, int layer, boolean reverse) {
        NetworkConfig cfg = net.config();
        DirectionWeights w = net.weights(layer, reverse);
        this.cell = cfg.cell();
        this.inputSize = cfg.layerInputSize(layer);
        this.hidden = cfg.hiddenSize();
        this.out = cfg.outputSize();
        this.gh = cell.gates() * hidden;
        this.wIh = floats(w.wIh());
        this.wHh = floats(w.wHh());
        this.bIh = floats(w.bIh());
        this.bHh = floats(w.bHh());
        this.wHr = floats(w.wHr());
        this.peep = floats(w.peephole());
        List<Activation> acts = cfg.options().activations(reverse);
        this.fAct = acts.get(0);
        this.gAct = acts.size() > 1 ? acts.get(1) : null;
        this.hAct = acts.size() > 2 ? acts.get(2) : null;
        this.clip = cfg.options().clip();
        this.inputForget = cfg.options().inputForget();
        this.linearBeforeReset = cfg.options().linearBeforeReset();
    }

    /** Scratch space for {@link #advance}: one per thread or stream, reused for every step. */
    public static final class Workspace {
        final float[] preRec;
        final float[] hCell;
        final float[] gateR;
        final float[] scratch;

        /** Room for any layer of {@code net}. */
        public Workspace(NetworkConfig net) {
            int gh = net.cell().gates() * net.hiddenSize();
            preRec = new float[gh];
            hCell = new float[net.hiddenSize()];
            gateR = new float[net.hiddenSize()];
            scratch = new float[net.hiddenSize()];
        }
    }

    /** Size of the layer's input. */
    public int inputSize() {
        return inputSize;
    }

    /** Size of the input projection {@link #project} writes: gates × hidden_size. */
    public int projectionSize() {
        return gh;
    }

    /**
     * The input's part of every gate's pre-activation: {@code pre[preOff + r] = W_ih[r] · x + b_ih[r]}
     * for the gh rows. It does not depend on the state, so a whole sequence can be projected at once.
     */
    public void project(float[] x, int xOff, float[] pre, int preOff) {
        affine(wIh, bIh, x, xOff, inputSize, pre, preOff, 0, gh);
    }

    /**
     * Advances one sequence by one step from its input projection: reads {@code h[hOff..hOff+H_out)}
     * and, for an LSTM, {@code c[cOff..cOff+hidden_size)}, and overwrites them with the new state.
     * {@code preIn} is read and may be changed.
     */
    public void advance(float[] preIn, int preOff, float[] h, int hOff, float[] c, int cOff, Workspace ws) {
        affine(wHh, bHh, h, hOff, out, ws.preRec, 0, 0, gh);
        switch (cell) {
            case LSTM -> lstm(preIn, preOff, h, hOff, c, cOff, ws);
            case GRU -> gru(preIn, preOff, h, hOff, ws);
            default -> rnn(preIn, preOff, h, hOff, ws);
        }
    }

    /** pre[r] = W[r] · v + b[r] for rows from..to, the sum in double and the result a float. */
    private static void affine(float[] w, float[] b, float[] v, int vOff, int cols, float[] pre, int preOff, int from, int to) {
        for (int r = from; r < to; r++) {
            double acc = 0;
            int row = r * cols;
            for (int k = 0; k < cols; k++) {
                acc += (double) w[row + k] * v[vOff + k];
            }
            pre[preOff + r] = b == null ? (float) acc : (float) ((double) (float) acc + b[r]);
        }
    }

    private float gate(Activation a, double pre) {
        double x = (float) pre;
        return (float) a.apply(Math.max(-clip, Math.min(clip, x)));
    }

    private void lstm(float[] preIn, int p, float[] h, int hOff, float[] c, int cOff, Workspace ws) {
        float[] preRec = ws.preRec;
        float[] hCell = ws.hCell;
        for (int j = 0; j < hidden; j++) {
            double cPrev = c[cOff + j];
            float i = gate(fAct, (double) preIn[p + j] + preRec[j] + (peep == null ? 0 : peep[j] * cPrev));
            float f = inputForget ? (float) (1.0 - i)
                    : gate(fAct, (double) preIn[p + hidden + j] + preRec[hidden + j] + (peep == null ? 0 : peep[hidden + j] * cPrev));
            float g = gate(gAct, (double) preIn[p + 2 * hidden + j] + preRec[2 * hidden + j]);
            float cNew = (float) (f * cPrev + (double) i * g);
            float o = gate(fAct, (double) preIn[p + 3 * hidden + j] + preRec[3 * hidden + j]
                    + (peep == null ? 0 : peep[2 * hidden + j] * (double) cNew));
            c[cOff + j] = cNew;
            hCell[j] = (float) (o * (double) (float) hAct.apply(cNew));
        }
        if (wHr == null) {
            System.arraycopy(hCell, 0, h, hOff, hidden);
            return;
        }
        for (int r = 0; r < out; r++) {
            double acc = 0;
            int row = r * hidden;
            for (int k = 0; k < hidden; k++) {
                acc += (double) wHr[row + k] * hCell[k];
            }
            h[hOff + r] = (float) acc;
        }
    }

    private void gru(float[] preIn, int p, float[] h, int hOff, Workspace ws) {
        float[] preRec = ws.preRec;
        float[] gateR = ws.gateR;
        float[] next = ws.scratch;
        for (int j = 0; j < hidden; j++) {
            gateR[j] = gate(fAct, (double) preIn[p + j] + preRec[j]);
        }
        if (!linearBeforeReset) {
            // The reset gate acts before the recurrent matmul: redo the n rows on r ⊙ h.
            for (int k = 0; k < hidden; k++) {
                next[k] = (float) ((double) gateR[k] * h[hOff + k]);
            }
            affine(wHh, bHh, next, 0, hidden, preRec, 0, 2 * hidden, 3 * hidden);
        }
        for (int j = 0; j < hidden; j++) {
            double z = gate(fAct, (double) preIn[p + hidden + j] + preRec[hidden + j]);
            double recurrent = linearBeforeReset ? (float) (gateR[j] * (double) preRec[2 * hidden + j]) : preRec[2 * hidden + j];
            double n = gate(gAct, preIn[p + 2 * hidden + j] + recurrent);
            next[j] = (float) ((double) (float) ((1.0 - z) * n) + (double) (float) (z * h[hOff + j]));
        }
        System.arraycopy(next, 0, h, hOff, hidden);
    }

    private void rnn(float[] preIn, int p, float[] h, int hOff, Workspace ws) {
        float[] preRec = ws.preRec;
        for (int j = 0; j < hidden; j++) {
            h[hOff + j] = gate(fAct, (double) preIn[p + j] + preRec[j]);
        }
    }

    private static float[] floats(Tensor t) {
        return t == null ? null : t.toFloatArray();
    }
}

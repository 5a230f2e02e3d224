package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;
import java.util.List;

/**
 * The reference implementation of the cells, one sequence and one step at a time, written to be
 * read against the equations rather than to be fast. Gate blocks are in PyTorch's order.
 *
 * <p>LSTM: i = f(W_ii x + b_ii + W_hi h + b_hi + p_i*c), f = f(... + p_f*c) (or 1 - i with
 * input_forget), g = g(...), c' = f*c + i*g, o = f(... + p_o*c'), h' = o*h(c'), then
 * h' = W_hr h' with a projection. f, g, h are sigmoid, tanh, tanh unless ONNX says otherwise.
 *
 * <p>GRU: r = f(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = g(W_in x + b_in + r*(W_hn h + b_hn))
 * (linear_before_reset, PyTorch) or n = g(W_in x + b_in + W_hn (r*h) + b_hn) (ONNX default),
 * h' = (1 - z)*n + z*h.
 *
 * <p>RNN: h' = f(W_ih x + b_ih + W_hh h + b_hh).
 *
 * <p>Clip, when set, bounds every gate's pre-activation to [-clip, clip] as ONNX Runtime does.
 * In float32 every stored value is rounded to float; sums are accumulated in double.
 */
public final class NaiveKernel implements DirectionKernel {

    @Override
    public void run(DirectionPass p) {
        new Run(p).all();
    }

    /** State of one pass; a fresh one per call keeps the kernel itself stateless and thread-safe. */
    private static final class Run {
        final DirectionPass p;
        final NetworkConfig cfg;
        final boolean f32;
        final int hidden;
        final int out;
        final int gh;
        final double[] wIh;
        final double[] wHh;
        final double[] bIh;
        final double[] bHh;
        final double[] wHr;
        final double[] peep;
        final Activation fAct;
        final Activation gAct;
        final Activation hAct;
        final double clip;
        final double[] preIn;
        final double[] preRec;
        final double[] hCell;
        final double[] gateR;
        final double[] scratch;

        Run(DirectionPass p) {
            this.p = p;
            this.cfg = p.config();
            this.f32 = p.precision() == Precision.FLOAT32;
            this.hidden = cfg.hiddenSize();
            this.out = cfg.outputSize();
            this.gh = cfg.cell().gates() * hidden;
            DirectionWeights w = p.weights();
            wIh = values(w.wIh());
            wHh = values(w.wHh());
            bIh = values(w.bIh());
            bHh = values(w.bHh());
            wHr = values(w.wHr());
            peep = values(w.peephole());
            List<Activation> acts = cfg.options().activations(p.reverse());
            fAct = acts.get(0);
            gAct = acts.size() > 1 ? acts.get(1) : null;
            hAct = acts.size() > 2 ? acts.get(2) : null;
            clip = cfg.options().clip();
            preIn = new double[gh];
            preRec = new double[gh];
            hCell = new double[hidden];
            gateR = new double[hidden];
            scratch = new double[hidden];
        }

        double[] values(Tensor t) {
            if (t == null) {
                return null;
            }
            double[] v = t.data().clone();
            if (f32) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) v[i];
                }
            }
            return v;
        }

        double q(double v) {
            return f32 ? (float) v : v;
        }

        double clip(double v) {
            return Math.max(-clip, Math.min(clip, v));
        }

        void all() {
            int steps = p.steps();
            int batch = p.batch();
            // Keras repeats a direction's last output at a masked step: zeros until its first valid step.
            double[] carried = cfg.options().masking().steps() == MaskedSteps.CARRY_OUTPUT ? new double[batch * out] : null;
            for (int s = 0; s < steps; s++) {
                int t = p.reverse() ? steps - 1 - s : s;
                for (int n = 0; n < batch; n++) {
                    int yOff = (t * batch + n) * out;
                    if (!p.valid()[t * batch + n]) {
                        if (carried == null) {
                            java.util.Arrays.fill(p.y(), yOff, yOff + out, 0.0);
                        } else {
                            System.arraycopy(carried, n * out, p.y(), yOff, out);
                        }
                        continue;
                    }
                    step(t, n);
                    System.arraycopy(p.h(), n * out, p.y(), yOff, out);
                    if (carried != null) {
                        System.arraycopy(p.h(), n * out, carried, n * out, out);
                    }
                }
            }
        }

        /** pre = W row-block * v + b, for all gate rows. */
        void affine(double[] w, double[] b, double[] v, int vOff, int cols, double[] pre) {
            for (int r = 0; r < gh; r++) {
                double acc = 0;
                int row = r * cols;
                for (int k = 0; k < cols; k++) {
                    acc += w[row + k] * v[vOff + k];
                }
                pre[r] = q(b == null ? acc : q(acc) + b[r]);
            }
        }

        void step(int t, int n) {
            int in = p.inputSize();
            affine(wIh, bIh, p.x(), (t * p.batch() + n) * in, in, preIn);
            affine(wHh, bHh, p.h(), n * out, out, preRec);
            switch (cfg.cell()) {
                case LSTM -> lstm(n);
                case GRU -> gru(n);
                default -> rnn(n);
            }
        }

        void lstm(int n) {
            double[] c = p.c();
            int cOff = n * hidden;
            boolean inputForget = cfg.options().inputForget();
            for (int j = 0; j < hidden; j++) {
                double cPrev = c[cOff + j];
                double pi = preIn[j] + preRec[j] + (peep == null ? 0 : peep[j] * cPrev);
                double i = q(fAct.apply(clip(q(pi))));
                double f;
                if (inputForget) {
                    f = q(1.0 - i);
                } else {
                    double pf = preIn[hidden + j] + preRec[hidden + j] + (peep == null ? 0 : peep[hidden + j] * cPrev);
                    f = q(fAct.apply(clip(q(pf))));
                }
                double g = q(gAct.apply(clip(q(preIn[2 * hidden + j] + preRec[2 * hidden + j]))));
                double cNew = q(f * cPrev + i * g);
                double po = preIn[3 * hidden + j] + preRec[3 * hidden + j] + (peep == null ? 0 : peep[2 * hidden + j] * cNew);
                double o = q(fAct.apply(clip(q(po))));
                c[cOff + j] = cNew;
                hCell[j] = q(o * q(hAct.apply(cNew)));
            }
            double[] h = p.h();
            int hOff = n * out;
            if (wHr == null) {
                System.arraycopy(hCell, 0, h, hOff, hidden);
                return;
            }
            for (int r = 0; r < out; r++) {
                double acc = 0;
                for (int k = 0; k < hidden; k++) {
                    acc += wHr[r * hidden + k] * hCell[k];
                }
                h[hOff + r] = q(acc);
            }
        }

        void gru(int n) {
            double[] h = p.h();
            int hOff = n * hidden;
            boolean lbr = cfg.options().linearBeforeReset();
            for (int j = 0; j < hidden; j++) {
                gateR[j] = q(fAct.apply(clip(q(preIn[j] + preRec[j]))));
            }
            if (!lbr) {
                // n = g(W_in x + b_in + W_hn (r*h) + b_hn): the reset gate acts before the recurrent matmul.
                for (int k = 0; k < hidden; k++) {
                    scratch[k] = q(gateR[k] * h[hOff + k]);
                }
                for (int j = 0; j < hidden; j++) {
                    double acc = 0;
                    int row = (2 * hidden + j) * hidden;
                    for (int k = 0; k < hidden; k++) {
                        acc += wHh[row + k] * scratch[k];
                    }
                    preRec[2 * hidden + j] = q(bHh == null ? acc : q(acc) + bHh[2 * hidden + j]);
                }
            }
            for (int j = 0; j < hidden; j++) {
                double z = q(fAct.apply(clip(q(preIn[hidden + j] + preRec[hidden + j]))));
                double recurrent = lbr ? q(gateR[j] * preRec[2 * hidden + j]) : preRec[2 * hidden + j];
                double cand = q(gAct.apply(clip(q(preIn[2 * hidden + j] + recurrent))));
                scratch[j] = q(q((1.0 - z) * cand) + q(z * h[hOff + j]));
            }
            System.arraycopy(scratch, 0, h, hOff, hidden);
        }

        void rnn(int n) {
            double[] h = p.h();
            int hOff = n * hidden;
            for (int j = 0; j < hidden; j++) {
                h[hOff + j] = q(fAct.apply(clip(q(preIn[j] + preRec[j]))));
            }
        }
    }
}

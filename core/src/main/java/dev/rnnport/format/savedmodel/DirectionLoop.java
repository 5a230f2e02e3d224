package dev.rnnport.format.savedmodel;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import java.util.List;
import org.tensorflow.Output;

/**
 * One direction of one layer as a while loop over the steps, written with primitive ops so that
 * every cell variant runs (GRU with and without linear_before_reset, RNN tanh/relu, LSTM with
 * projection, peepholes, clip, input_forget and any activations), in float32 and float64.
 *
 * <p>The input projection {@code x W_ih^T + b_ih} of all steps is one MatMul before the loop; the
 * loop adds the recurrent part. A reversed pass reverses its inputs in time, runs forwards and
 * reverses its outputs back, so outputs stay aligned with the input steps. Equations as
 * {@link dev.rnnport.nn.NaiveKernel} states them (gate blocks in PyTorch's order).
 */
final class DirectionLoop {
    private final GraphOps ops;
    private final NetworkConfig config;
    private final List<Activation> activations;
    private final boolean carryOutput;
    private final String name;
    private final int inputSize;

    DirectionLoop(GraphOps ops, NetworkConfig config, int inputSize, List<Activation> activations, boolean carryOutput,
                  String name) {
        this.inputSize = inputSize;
        this.ops = ops;
        this.config = config;
        this.activations = activations;
        this.carryOutput = carryOutput;
        this.name = name;
    }

    /** Indices of the loop variables; -1 when the network has no such tensor. */
    private int xp = -1, wHh = -1, bHh = -1, wHn = -1, bHn = -1, wHr = -1, peep = -1, valid = -1;
    private int h = -1, c = -1, previous = -1, y = -1;

    /**
     * @param valid (L, N, 1) bool or null when every step is valid
     * @return {output (L, N, H_out), h_n (N, H_out), c_n (N, H) or null}
     */
    Output<?>[] build(Output<?> wIhIn, Output<?> wHhIn, Output<?> bIhIn, Output<?> bHhIn, Output<?> wHrIn,
                      Output<?> peepIn, boolean reversed, Output<?> x, Output<?> h0, Output<?> c0, Output<?> validIn) {
        int hidden = config.hiddenSize();
        int gh = config.cell().gates() * hidden;
        Output<?> xShape = ops.shape(x);
        Output<?> stepsAndBatch = ops.op("Slice", xShape, ops.ints(0), ops.ints(2));
        Output<?> projected = ops.matMulT(ops.reshape(x, ops.ints(-1, inputSize)), wIhIn);
        if (bIhIn != null) {
            projected = ops.add(projected, bIhIn);
        }
        projected = ops.reshape(projected, ops.concat(0, stepsAndBatch, ops.ints(gh)));
        Output<?> validSteps = validIn;
        if (reversed) {
            projected = ops.reverseTime(projected);
            validSteps = validSteps == null ? null : ops.reverseTime(validSteps);
        }
        TimeLoop loop = new TimeLoop(ops, ops.gather(xShape, ops.intScalar(0), 0));
        xp = loop.variable(projected);
        boolean resetBeforeMatmul = config.cell() == CellKind.GRU && !config.options().linearBeforeReset();
        if (resetBeforeMatmul) {
            // n = g(W_in x + b_in + W_hn (r*h) + b_hn): the candidate's recurrent rows act after the reset gate.
            wHh = loop.variable(ops.sliceRows(wHhIn, 0, 2 * hidden, 2));
            wHn = loop.variable(ops.sliceRows(wHhIn, 2 * hidden, hidden, 2));
            if (bHhIn != null) {
                bHh = loop.variable(ops.sliceRows(bHhIn, 0, 2 * hidden, 1));
                bHn = loop.variable(ops.sliceRows(bHhIn, 2 * hidden, hidden, 1));
            }
        } else {
            wHh = loop.variable(wHhIn);
            if (bHhIn != null) {
                bHh = loop.variable(bHhIn);
            }
        }
        if (wHrIn != null) {
            wHr = loop.variable(wHrIn);
        }
        if (peepIn != null) {
            peep = loop.variable(peepIn);
        }
        if (validSteps != null) {
            valid = loop.variable(validSteps);
        }
        h = loop.variable(h0);
        if (c0 != null) {
            c = loop.variable(c0);
        }
        Output<?> outputs = ops.op("Fill", ops.concat(0, stepsAndBatch, ops.ints(config.outputSize())), ops.scalar(0));
        if (carryOutput && validSteps != null) {
            previous = loop.variable(ops.zerosLike(h0));
        }
        y = loop.variable(outputs);
        Output<?>[] done = loop.run(ops, name, this::step);
        Output<?> result = reversed ? ops.reverseTime(done[y]) : done[y];
        return new Output<?>[] {result, done[h], c < 0 ? null : done[c]};
    }

    private void step(GraphOps o, Output<?> t, Output<?>[] in, Output<?>[] out) {
        Output<?> xt = o.gather(in[xp], t, 0);
        Output<?> hPrev = in[h];
        Output<?> rec = o.matMulT(hPrev, in[wHh]);
        if (bHh >= 0) {
            rec = o.add(rec, in[bHh]);
        }
        Output<?> hNew;
        Output<?> cNew = null;
        switch (config.cell()) {
            case LSTM -> {
                Output<?>[] hc = lstm(o, xt, rec, in[c], in);
                hNew = hc[0];
                cNew = hc[1];
            }
            case GRU -> hNew = gru(o, xt, rec, hPrev, in);
            default -> hNew = act(o, 0, o.add(xt, rec));
        }
        Output<?> result = hNew;
        if (valid >= 0) {
            Output<?> v = o.gather(in[valid], t, 0);
            out[h] = o.select(v, hNew, hPrev);
            if (cNew != null) {
                out[c] = o.select(v, cNew, in[c]);
            }
            result = o.select(v, hNew, previous >= 0 ? in[previous] : o.zerosLike(hNew));
            if (previous >= 0) {
                out[previous] = result;
            }
        } else {
            out[h] = hNew;
            if (cNew != null) {
                out[c] = cNew;
            }
        }
        Output<?> at = o.reshape(t, o.ints(1, 1));
        out[y] = o.op("TensorScatterUpdate", in[y], at, o.expandDims(result, 0));
    }

    /** Activation number {@code index} of this direction (ONNX order), after the clip when there is one. */
    private Output<?> act(GraphOps o, int index, Output<?> pre) {
        Output<?> v = config.options().hasClip() ? o.clip(pre, config.options().clip()) : pre;
        return ActivationOps.apply(o, activations.get(index), v);
    }

    private Output<?>[] lstm(GraphOps o, Output<?> xt, Output<?> rec, Output<?> cPrev, Output<?>[] in) {
        Output<?>[] g = o.split(o.add(xt, rec), 1, 4);
        Output<?>[] p = peep >= 0 ? o.split(in[peep], 0, 3) : null;
        Output<?> pi = p == null ? g[0] : o.add(g[0], o.mul(p[0], cPrev));
        Output<?> i = act(o, 0, pi);
        Output<?> f;
        if (config.options().inputForget()) {
            f = o.sub(o.scalar(1), i);
        } else {
            f = act(o, 0, p == null ? g[1] : o.add(g[1], o.mul(p[1], cPrev)));
        }
        Output<?> cand = act(o, 1, g[2]);
        Output<?> cNew = o.add(o.mul(f, cPrev), o.mul(i, cand));
        Output<?> out = act(o, 0, p == null ? g[3] : o.add(g[3], o.mul(p[2], cNew)));
        Output<?> hCell = o.mul(out, ActivationOps.apply(o, activations.get(2), cNew));
        Output<?> hNew = wHr >= 0 ? o.matMulT(hCell, in[wHr]) : hCell;
        return new Output<?>[] {hNew, cNew};
    }

    private Output<?> gru(GraphOps o, Output<?> xt, Output<?> rec, Output<?> hPrev, Output<?>[] in) {
        Output<?>[] gx = o.split(xt, 1, 3);
        Output<?> r;
        Output<?> z;
        Output<?> recurrentN;
        if (wHn >= 0) {
            Output<?>[] gh = o.split(rec, 1, 2);
            r = act(o, 0, o.add(gx[0], gh[0]));
            z = act(o, 0, o.add(gx[1], gh[1]));
            recurrentN = o.matMulT(o.mul(r, hPrev), in[wHn]);
            if (bHn >= 0) {
                recurrentN = o.add(recurrentN, in[bHn]);
            }
        } else {
            Output<?>[] gh = o.split(rec, 1, 3);
            r = act(o, 0, o.add(gx[0], gh[0]));
            z = act(o, 0, o.add(gx[1], gh[1]));
            recurrentN = o.mul(r, gh[2]);
        }
        Output<?> n = act(o, 1, o.add(gx[2], recurrentN));
        return o.add(o.mul(o.sub(o.scalar(1), z), n), o.mul(z, hPrev));
    }
}

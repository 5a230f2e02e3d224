package dev.rnnport.testing;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;

/**
 * Runs a unidirectional network over a whole input by stepping {@link RecurrentStream}s, and returns
 * what {@code forward} would: output, h_n and c_n in PyTorch's shapes for the network's layout.
 * Lengths and a mask become each step's {@code valid} flags: a sequence sits out the steps past its
 * length or masked, as a packed sequence or a Keras mask does.
 */
public final class Stepping {
    private Stepping() {
    }

    public static RunOutputs run(RecurrentNetwork net, RunInputs in) {
        return run(net, in, false);
    }

    /** @param reference step a reference stream ({@link RecurrentNetwork#openReferenceStream}) rather than the fast one */
    public static RunOutputs run(RecurrentNetwork net, RunInputs in, boolean reference) {
        NetworkConfig cfg = net.config();
        Tensor x = in.input();
        boolean unbatched = x.rank() == 2;
        int steps = unbatched || !cfg.batchFirst() ? x.dim(0) : x.dim(1);
        int batch = unbatched ? 1 : cfg.batchFirst() ? x.dim(0) : x.dim(1);
        int inSize = cfg.inputSize();
        int out = cfg.outputSize();
        int hidden = cfg.hiddenSize();
        int layers = cfg.numLayers();
        boolean lstm = cfg.cell() == CellKind.LSTM;
        float[] h0 = in.h0() == null ? new float[layers * batch * out] : in.h0().toFloatArray();
        float[] c0 = !lstm ? null : in.c0() == null ? new float[layers * batch * hidden] : in.c0().toFloatArray();
        double[] y = new double[steps * batch * out];
        double[] hN = new double[layers * batch * out];
        double[] cN = lstm ? new double[layers * batch * hidden] : null;
        RecurrentStream s = reference ? net.openReferenceStream(batch, h0, c0) : net.openStream(batch, h0, c0);
        float[] step = new float[batch * inSize];
        boolean[] valid = new boolean[batch];
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) {
                for (int k = 0; k < inSize; k++) {
                    step[n * inSize + k] = (float) x.data()[offset(cfg, unbatched, steps, batch, t, n) * inSize + k];
                }
                valid[n] = (in.lengths() == null || t < in.lengths().data()[n])
                        && (in.mask() == null || in.mask().data()[n * steps + t] != 0);
            }
            float[] yt = s.step(step, valid);
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    y[offset(cfg, unbatched, steps, batch, t, n) * out + j] = yt[n * out + j];
                }
            }
        }
        copy(s.hN(), hN);
        if (lstm) {
            copy(s.cN(), cN);
        }
        int[] yShape = unbatched ? new int[] {steps, out} : cfg.batchFirst() ? new int[] {batch, steps, out} : new int[] {steps, batch, out};
        return new RunOutputs(Tensor.of(DType.F32, yShape, y),
                Tensor.of(DType.F32, unbatched ? new int[] {layers, out} : new int[] {layers, batch, out}, hN),
                lstm ? Tensor.of(DType.F32, unbatched ? new int[] {layers, hidden} : new int[] {layers, batch, hidden}, cN) : null);
    }

    /** Row index of (step t, sequence n) in the input's layout. */
    private static int offset(NetworkConfig cfg, boolean unbatched, int steps, int batch, int t, int n) {
        return unbatched ? t : cfg.batchFirst() ? n * steps + t : t * batch + n;
    }

    private static void copy(float[] from, double[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i];
        }
    }
}

package dev.rnnport.nn;

/**
 * A whole sequence at batch 1 run through the streaming step kernel, one step of every layer at a
 * time, instead of layer by layer.
 *
 * <p>Why: at batch 1 a time step is a matrix-vector product that reads every weight once, and the
 * step kernel reads [W_ih | W_hh] in one pass with the gate update fused, whereas the
 * whole-sequence kernel pays for its batch-oriented layout (an input projection over all steps,
 * row tiles meant for many sequences) without a batch to spread it over. Measured at input 64,
 * hidden 256, 100 steps: about 15 µs a step here against about 55 µs on the whole-sequence kernel.
 *
 * <p>Taken only where the two compute the same thing: float32 on the engine's own fast kernel, one
 * sequence, one forward direction, every step valid (no lengths or masks cut it short), no
 * training-mode dropout. The step kernel is tested against the float64 reference like the
 * whole-sequence kernel.
 */
final class StepwiseRun {
    private StepwiseRun() {
    }

    /** Whether a float32 run of {@code b} may go stepwise ({@code dropout}: training-mode dropout applies). */
    static boolean applies(RecurrentNetwork net, TimeMajorBatch b, boolean dropout) {
        NetworkConfig cfg = net.config();
        return b.batch == 1 && cfg.directions() == 1 && !cfg.options().reverseOnly()
                && !dropout && allValid(b.valid);
    }

    private static boolean allValid(boolean[] valid) {
        if (valid == null) {
            return true;
        }
        for (boolean v : valid) {
            if (!v) {
                return false;
            }
        }
        return true;
    }

    /** @param threads threads a large step's products may be split between (the results do not change) */
    static RunOutputs run(RecurrentNetwork net, TimeMajorBatch b, int threads) {
        NetworkConfig cfg = net.config();
        boolean lstm = cfg.cell() == CellKind.LSTM;
        RecurrentStream stream = RecurrentStream.open(net, 1, FloatPass.floats(b.h0), lstm ? FloatPass.floats(b.c0) : null,
                false, threads);
        int in = cfg.inputSize();
        int out = cfg.outputSize();
        float[] input = b.xFloats();
        float[] x = new float[in];
        float[] y = new float[out];
        float[] output = new float[b.steps * out];
        for (int t = 0; t < b.steps; t++) {
            System.arraycopy(input, t * in, x, 0, in);
            stream.stepInto(x, y);
            System.arraycopy(y, 0, output, t * out, out);
        }
        return b.outputs(output, stream.hN(), lstm ? stream.cN() : null);
    }
}

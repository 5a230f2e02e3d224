package dev.rnnport.nn;

import dev.rnnport.nn.fast.StepKernel;

/**
 * A whole sequence at batch 1 run on the streaming step kernel rather than the whole-sequence one.
 *
 * <p>Why: at batch 1 a time step is a matrix-vector product that reads every weight once, and the
 * step kernel streams its panels once per step with the gate update fused, whereas the
 * whole-sequence kernel pays for its batch-oriented layout (row tiles meant for many sequences)
 * without a batch to spread it over. Measured at input 64, hidden 256, 100 steps: about 15 µs a
 * step on the step kernel against about 55 µs on the whole-sequence kernel.
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

    /**
     * Layer by layer, so that each layer's weights stay in cache over the whole sequence rather than
     * sharing it with every other layer's at each step. The same sums in the same order as a
     * stream's steps, so a stream stepping this sequence gives the same bits.
     *
     * @param threads threads a large step's products may be split between (the results do not change)
     */
    static RunOutputs run(RecurrentNetwork net, TimeMajorBatch b, int threads) {
        NetworkConfig cfg = net.config();
        StepKernel kernel = StepKernel.of(net);
        StepKernel.Workspace ws = kernel.newWorkspace(threads);
        boolean lstm = cfg.cell() == CellKind.LSTM;
        int out = cfg.outputSize();
        int hidden = cfg.hiddenSize();
        float[] h = b.h0 == null ? new float[cfg.numLayers() * out] : FloatPass.floats(b.h0);
        float[] c = !lstm ? null : b.c0 == null ? new float[cfg.numLayers() * hidden] : FloatPass.floats(b.c0);
        float[] input = b.xFloats();
        float[] output = null;
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            int in = cfg.layerInputSize(layer);
            output = new float[b.steps * out];
            for (int t = 0; t < b.steps; t++) {
                kernel.step(layer, input, t * in, h, layer * out, c, layer * hidden, ws);
                System.arraycopy(h, layer * out, output, t * out, out);
            }
            input = output;
        }
        return b.outputs(output, h, c);
    }
}

package dev.rnnport.nn;

import dev.rnnport.nn.fast.StepKernel;

/**
 * A whole sequence at batch 1 run on the streaming step kernel rather than the whole-sequence one.
 *
 * <p>Why: at batch 1 a time step is a matrix-vector product that reads every weight once, and the
 * step kernel streams its panels once per step with the gate update fused, whereas the
 * whole-sequence kernel pays for its batch-oriented layout (row tiles meant for many sequences)
 * without a batch to spread it over. Measured at input 64, hidden 256, 100 steps: about 15 µs a
 * step on the step kernel against about 55 µs on the whole-sequence kernel (10 µs now, with the
 * input parts ahead and the panels read in alternate directions).
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

    /** Input parts computed ahead, in floats: 128 KB, still in L2 when their steps read them. */
    static final int INPUT_PARTS_FLOATS = 1 << 15;

    /**
     * Layer by layer, so that each layer's weights stay in cache over the whole sequence rather than
     * sharing it with every other layer's at each step. Since a layer's whole input sequence is
     * known, the input's part of its steps (biases + x W_ih^T) is one blocked product some steps
     * ahead ({@link StepKernel#inputParts}), and each step streams only W_hh.
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
            int width = kernel.inputPartWidth(layer);
            int ahead = Math.min(b.steps, Math.max(4, INPUT_PARTS_FLOATS / width / 4 * 4));
            float[] parts = new float[ahead * width];
            output = new float[b.steps * out];
            for (int t0 = 0; t0 < b.steps; t0 += ahead) {
                int n = Math.min(ahead, b.steps - t0);
                kernel.inputParts(layer, input, t0 * in, n, parts);
                for (int s = 0; s < n; s++) {
                    kernel.stepFromInputPart(layer, parts, s * width, h, layer * out, c, layer * hidden, ws);
                    System.arraycopy(h, layer * out, output, (t0 + s) * out, out);
                }
            }
            input = output;
        }
        return b.outputs(output, h, c);
    }
}

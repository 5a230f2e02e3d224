package dev.rnnport.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.Stepping;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The one-step kernel against the float64 oracle (the reference kernel run by the engine over the
 * whole sequence): every cell and option, odd sizes that leave every kind of partial panel and
 * padded lane, in both the Vector API and the plain-Java arithmetic.
 */
class StepKernelTest {
    private static final int[] SIZES = {1, 3, 17, 255, 257};
    private static final int STEPS = 5;

    /** Every cell and option the stream supports, at one (input, hidden) size. */
    static List<NetworkConfig> configs(int in, int hidden) {
        CellOptions lstm = CellOptions.defaults(CellKind.LSTM);
        CellOptions gru = CellOptions.defaults(CellKind.GRU);
        Activation hardSigmoid = Activation.of(Activation.Kind.HARD_SIGMOID);
        Activation leaky = Activation.of(Activation.Kind.LEAKY_RELU).withAlpha(0.1);
        Activation scaledTanh = Activation.of(Activation.Kind.SCALED_TANH).withAlpha(1.5).withBeta(0.5);
        return List.of(
                NetworkConfig.of(CellKind.LSTM, in, hidden).withLayers(2),
                NetworkConfig.of(CellKind.LSTM, in, hidden).withOptions(lstm.withClip(0.7)),
                NetworkConfig.of(CellKind.LSTM, in, hidden).withOptions(lstm.withInputForget(true)
                        .withActivations(List.of(hardSigmoid, leaky, scaledTanh), List.of(hardSigmoid, leaky, scaledTanh))),
                // proj_size must be below hidden_size: at hidden 1, three layers instead.
                hidden > 1 ? NetworkConfig.of(CellKind.LSTM, in, hidden).withLayers(2).withProjSize(hidden / 2 + 1)
                        : NetworkConfig.of(CellKind.LSTM, in, hidden).withLayers(3),
                NetworkConfig.of(CellKind.GRU, in, hidden).withLayers(2),
                NetworkConfig.of(CellKind.GRU, in, hidden).withOptions(gru.withLinearBeforeReset(false).withClip(0.9)),
                NetworkConfig.of(CellKind.GRU, in, hidden).withBias(false).withOptions(gru.withLinearBeforeReset(false)
                        .withActivations(List.of(hardSigmoid, scaledTanh), List.of(hardSigmoid, scaledTanh))),
                NetworkConfig.of(CellKind.RNN_TANH, in, hidden).withOptions(CellOptions.defaults(CellKind.RNN_TANH).withClip(0.5)),
                NetworkConfig.of(CellKind.RNN_RELU, in, hidden).withLayers(2));
    }

    @TestFactory
    Stream<DynamicTest> everyCellAndOptionMatchesTheFloat64Oracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int s = 0; s < SIZES.length; s++) {
            int hidden = SIZES[s];
            int in = SIZES[(s + 2) % SIZES.length];
            for (NetworkConfig cfg : configs(in, hidden)) {
                boolean[] peep = cfg.cell() == CellKind.LSTM && cfg.projSize() == 0 ? new boolean[] {false, true} : new boolean[] {false};
                for (boolean peepholes : peep) {
                    String name = cfg.cell() + " input " + in + " hidden " + hidden + " layers " + cfg.numLayers()
                            + (cfg.projSize() > 0 ? " proj " + cfg.projSize() : "") + (peepholes ? " peepholes" : "") + " " + cfg.options();
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        RecurrentNetwork net = RandomNetworks.network(cfg, peepholes, 17 + hidden);
                        RunInputs inputs = RandomNetworks.inputs(cfg, STEPS, 1, false, 5 + in);
                        RunOutputs oracle = new NativeEngine(Precision.FLOAT64).run(net, inputs);
                        List<Boolean> paths = SimdSupport.vectorised() ? List.of(true, false) : List.of(false);
                        for (boolean vector : paths) {
                            RunOutputs stepped = run(new StepKernel(net, vector), net.config(), inputs);
                            new Closeness((vector ? "Vector API" : "plain Java") + " steps vs float64", 1e-5)
                                    .outputs("", oracle, stepped).check();
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** Steps from input parts computed ahead ({@link StepKernel#inputParts}), every cell and option, both arithmetics. */
    @TestFactory
    Stream<DynamicTest> stepsFromInputPartsMatchTheFloat64Oracle() {
        return Stream.of(new int[] {3, 17}, new int[] {17, 257}).flatMap(size -> configs(size[0], size[1]).stream().map(cfg ->
                DynamicTest.dynamicTest(cfg.cell() + " input " + size[0] + " hidden " + size[1] + " layers " + cfg.numLayers()
                        + " " + cfg.options(), () -> {
                    RecurrentNetwork net = RandomNetworks.network(cfg, false, 23);
                    RunInputs inputs = RandomNetworks.inputs(cfg, STEPS, 1, false, 6);
                    RunOutputs oracle = new NativeEngine(Precision.FLOAT64).run(net, inputs);
                    for (boolean vector : SimdSupport.vectorised() ? List.of(true, false) : List.of(false)) {
                        new Closeness((vector ? "Vector API" : "plain Java") + " steps from input parts vs float64", 1e-5)
                                .outputs("", oracle, run(new StepKernel(net, vector), cfg, inputs, true)).check();
                    }
                })));
    }

    @TestFactory
    Stream<DynamicTest> aStreamOverLStepsIsForwardOverTheSequence() {
        return Stream.of(17, 257).flatMap(hidden -> configs(3, hidden).stream().map(cfg ->
                DynamicTest.dynamicTest(cfg.cell() + " hidden " + hidden + " " + cfg.options(), () -> {
                    RecurrentNetwork net = RandomNetworks.network(cfg, false, 3);
                    RunInputs inputs = RandomNetworks.inputs(cfg, 9, 2, false, 4);
                    RunOutputs stepped = Stepping.run(net, inputs);
                    new Closeness("stream vs float32 forward", 1e-5).outputs("", new NativeEngine(Precision.FLOAT32).run(net, inputs), stepped).check();
                    new Closeness("stream vs float64 forward", 1e-5).outputs("", new NativeEngine(Precision.FLOAT64).run(net, inputs), stepped).check();
                })));
    }

    /**
     * A step reads the weight panels in the other order from the step before (for the cache); each
     * column's sum is the same either way, bit for bit, and is the product, for panels of every
     * width and the paired 8-vector panels.
     */
    @Test
    void panelsReadInEitherOrderGiveTheSameBits() {
        for (boolean vector : SimdSupport.vectorised() ? List.of(true, false) : List.of(false)) {
            int lanes = vector ? SimdSupport.best().lanes() : SimdSupport.SCALAR_LANES;
            StepProduct product = vector ? new VectorStepProduct() : new ScalarStepProduct();
            int depth = 37;
            int blockWidth = lanes * (8 + 8 + 4 + 2 + 1);
            int blocks = 2;
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            float[][] w = new float[blocks * blockWidth][depth];
            int[] columnRow = new int[blocks * blockWidth];
            for (int col = 0; col < columnRow.length; col++) {
                columnRow[col] = col;
                for (int k = 0; k < depth; k++) {
                    w[col][k] = (float) r.nextDouble(-1, 1);
                }
            }
            StepMatrix m = new StepMatrix(depth, blocks, blockWidth, lanes, columnRow, (row, k) -> w[row][k]);
            assertTrue(m.blockPanel[blocks] == 10, "panels of 8, 8, 4, 2 and 1 vectors per block");
            float[] v = new float[depth];
            float[] init = new float[columnRow.length];
            for (int k = 0; k < depth; k++) {
                v[k] = (float) r.nextDouble(-1, 1);
            }
            for (int col = 0; col < init.length; col++) {
                init[col] = (float) r.nextDouble(-1, 1);
            }
            for (int[] panels : new int[][] {{0, 10}, {1, 9}, {0, 3}, {5, 10}}) {
                float[] up = new float[init.length];
                float[] down = new float[init.length];
                product.product(v, 2, depth, m, panels[0], panels[1], init, up, false);
                product.product(v, 2, depth, m, panels[0], panels[1], init, down, true);
                assertTrue(java.util.Arrays.equals(up, down), (vector ? "Vector API" : "plain Java") + " panels "
                        + panels[0] + ".." + panels[1] + ": ascending and descending differ");
                for (int col = m.column[panels[0]]; col < m.column[panels[1] - 1] + m.width[panels[1] - 1]; col++) {
                    double sum = init[col];
                    for (int k = 2; k < depth; k++) {
                        sum += (double) v[k] * w[col][k];
                    }
                    assertEquals(sum, down[col], 1e-5, "column " + col);
                }
            }
        }
    }

    @Test
    void packedBytesAreTheWeightsPlusPaddingToWholeVectors() {
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 64, 128);
        StepKernel k = StepKernel.of(RandomNetworks.network(cfg, false, 1));
        assertEquals(4L * 4 * 128 * (64 + 128), k.weightBytesPerStep(), "hidden 128 needs no padding");
        int lanes = SimdSupport.vectorised() ? SimdSupport.best().lanes() : SimdSupport.SCALAR_LANES;
        StepKernel odd = StepKernel.of(RandomNetworks.network(NetworkConfig.of(CellKind.GRU, 3, 17), false, 1));
        int hp = PackedDirection.roundUp(17, lanes);
        assertEquals(4L * 3 * hp * (3 + 17), odd.weightBytesPerStep());
        assertTrue(hp - 17 < lanes);
    }

    @Test
    void weightsLargeEnoughToBeAlignedStepLikeTheOracle() {
        assertEquals(0, AlignedFloats.padding(1000), "small arrays start at 0");
        assertEquals(0, AlignedFloats.padding(1 << 18), "1 MB arrays start at 0");
        int padding = AlignedFloats.padding(4 * 512 * (64 + 512));
        assertTrue(padding >= 0 && padding < 16, "padding " + padding + " floats");
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 64, 512);
        RecurrentNetwork net = RandomNetworks.network(cfg, true, 8);
        RunInputs inputs = RandomNetworks.inputs(cfg, STEPS, 1, false, 9);
        RunOutputs oracle = new NativeEngine(Precision.FLOAT64).run(net, inputs);
        for (boolean vector : SimdSupport.vectorised() ? List.of(true, false) : List.of(false)) {
            StepKernel k = new StepKernel(net, vector);
            assertEquals(4L * 4 * 512 * (64 + 512), k.weightBytesPerStep(), "padding is not counted as weights");
            new Closeness((vector ? "Vector API" : "plain Java") + " steps with weights from float " + padding + " vs float64", 1e-5)
                    .outputs("", oracle, run(k, cfg, inputs)).check();
        }
    }

    /** Steps {@code k} over a batch of one, every layer at each step, as a stream does. */
    static RunOutputs run(StepKernel k, NetworkConfig cfg, RunInputs inputs) {
        return run(k, cfg, inputs, false);
    }

    /**
     * @param inputPartsAhead layer by layer, each layer's input parts for all steps first, as a
     *                        whole sequence runs; otherwise every layer at each step, as a stream does
     */
    private static RunOutputs run(StepKernel k, NetworkConfig cfg, RunInputs inputs, boolean inputPartsAhead) {
        int layers = cfg.numLayers();
        int in = cfg.inputSize();
        int out = cfg.outputSize();
        int hidden = cfg.hiddenSize();
        float[] x = inputs.input().toFloatArray();
        float[] h = inputs.h0().toFloatArray();
        float[] c = inputs.c0() == null ? new float[layers * hidden] : inputs.c0().toFloatArray();
        StepKernel.Workspace ws = k.newWorkspace();
        float[] y = new float[STEPS * out];
        if (inputPartsAhead) {
            for (int layer = 0; layer < layers; layer++) {
                int width = k.inputPartWidth(layer);
                float[] parts = new float[STEPS * width];
                k.inputParts(layer, layer == 0 ? x : y, 0, STEPS, parts);
                for (int t = 0; t < STEPS; t++) {
                    k.stepFromInputPart(layer, parts, t * width, h, layer * out, c, layer * hidden, ws);
                    System.arraycopy(h, layer * out, y, t * out, out);
                }
            }
        } else {
            for (int t = 0; t < STEPS; t++) {
                for (int layer = 0; layer < layers; layer++) {
                    k.step(layer, layer == 0 ? x : h, layer == 0 ? t * in : (layer - 1) * out, h, layer * out, c, layer * hidden, ws);
                }
                System.arraycopy(h, (layers - 1) * out, y, t * out, out);
            }
        }
        return new RunOutputs(Tensor.of(DType.F32, new int[] {STEPS, 1, out}, doubles(y)),
                Tensor.of(DType.F32, new int[] {layers, 1, out}, doubles(h)),
                cfg.cell() == CellKind.LSTM ? Tensor.of(DType.F32, new int[] {layers, 1, hidden}, doubles(c)) : null);
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}

package dev.rnnport.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Masked steps under both conventions, on the lecture's Elman RNN (relu, all weights 1, no bias:
 * each unit is x1 + x2 + h1 + h2), so every expected value is worked out by hand. Inputs
 * [1,1], [1,1], [2,2]; unmasked the forward states are 2, 6, 16 and, read backwards, 4, 10, 22.
 */
class MaskingTest {
    private static final Tensor INPUT = Tensor.of(DType.F64, new int[] {3, 1, 2}, new double[] {1, 1, 1, 1, 2, 2});

    private static RecurrentNetwork elman(boolean bidirectional, Masking masking) {
        NetworkConfig cfg = NetworkConfig.of(CellKind.RNN_RELU, 2, 2).withBias(false).withBidirectional(bidirectional);
        cfg = cfg.withOptions(cfg.options().withMasking(masking));
        DirectionWeights ones = DirectionWeights.of(ones(2, 2), ones(2, 2), null, null);
        return new RecurrentNetwork(cfg, bidirectional ? List.of(ones, ones) : List.of(ones));
    }

    private static Tensor ones(int... shape) {
        Tensor z = Tensor.zeros(DType.F64, shape);
        double[] v = z.data().clone();
        java.util.Arrays.fill(v, 1);
        return Tensor.of(DType.F64, shape, v);
    }

    private static Tensor mask(double... m) {
        return Tensor.of(DType.F64, new int[] {1, m.length}, m.clone());
    }

    private static RunOutputs run(RecurrentNetwork net, RunInputs in) {
        return new NativeEngine(Precision.FLOAT64).run(net, in);
    }

    @Test
    void kerasCarriesTheLastOutputOverAMaskedStepInTheMiddle() {
        RunOutputs out = run(elman(false, Masking.KERAS), RunInputs.of(INPUT).withMask(mask(1, 0, 1)));
        // Step 1 is skipped: the state stays 2, so step 2 gives 2+2+2+2 = 8.
        assertArrayEquals(new double[] {2, 2, 2, 2, 8, 8}, out.output().data());
        assertArrayEquals(new double[] {8, 8}, out.hN().data());
    }

    @Test
    void pyTorchConventionGivesZerosAtTheSameMaskedStep() {
        RunOutputs out = run(elman(false, Masking.ZEROS), RunInputs.of(INPUT).withMask(mask(1, 0, 1)));
        assertArrayEquals(new double[] {2, 2, 0, 0, 8, 8}, out.output().data());
        assertArrayEquals(new double[] {8, 8}, out.hN().data());
    }

    @Test
    void kerasOutputsZerosBeforeTheFirstValidStep() {
        RunOutputs out = run(elman(false, Masking.KERAS), RunInputs.of(INPUT).withMask(mask(0, 1, 1)));
        // The state starts at zero with step 1: 2, then 2+2+2+2 = 8.
        assertArrayEquals(new double[] {0, 0, 2, 2, 8, 8}, out.output().data());
    }

    @Test
    void aFullyMaskedSequenceKeepsItsInitialState() {
        Tensor h0 = Tensor.of(DType.F64, new int[] {1, 1, 2}, new double[] {5, -5});
        RunOutputs out = run(elman(false, Masking.KERAS), RunInputs.of(INPUT).withH0(h0).withMask(mask(0, 0, 0)));
        // Keras's previous output starts at zeros even with an initial state.
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0}, out.output().data());
        assertArrayEquals(new double[] {5, -5}, out.hN().data());
    }

    @Test
    void theReverseDirectionCarriesInItsOwnOrder() {
        RunOutputs out = run(elman(true, Masking.KERAS), RunInputs.of(INPUT).withMask(mask(1, 0, 1)));
        // Forward 2, (2), 8. Backward from step 2: 4, (4), then 1+1+4+4 = 10 at step 0.
        assertArrayEquals(new double[] {2, 2, 10, 10, 2, 2, 4, 4, 8, 8, 4, 4}, out.output().data());
        assertArrayEquals(new double[] {8, 8, 10, 10}, out.hN().data());
    }

    @Test
    void aMaskValueMasksStepsWhoseFeaturesAllEqualIt() {
        RunOutputs out = run(elman(false, Masking.kerasMaskValue(1.0)), RunInputs.of(INPUT));
        // Steps 0 and 1 are [1, 1]: masked. Step 2 starts from zero: 2+2 = 4.
        assertArrayEquals(new double[] {0, 0, 0, 0, 4, 4}, out.output().data());
    }

    @Test
    void lengthsAndMaskCombine() {
        Tensor lengths = Tensor.of(DType.F64, new int[] {1}, new double[] {2});
        RunOutputs out = run(elman(false, Masking.KERAS), RunInputs.of(INPUT).withLengths(lengths).withMask(mask(0, 1, 1)));
        // Step 0 masked, step 2 past the length: only step 1 runs, from zero: 2.
        assertArrayEquals(new double[] {0, 0, 2, 2, 2, 2}, out.output().data());
        assertArrayEquals(new double[] {2, 2}, out.hN().data());
    }

    @Test
    void aMaskOfTheWrongShapeIsRefusedWithBothShapes() {
        ModelException e = assertThrows(ModelException.class,
                () -> run(elman(false, Masking.KERAS), RunInputs.of(INPUT).withMask(mask(1, 1))));
        assertTrue(e.getMessage().contains("[1, 2]") && e.getMessage().contains("[1, 3]"), e.getMessage());
    }
}

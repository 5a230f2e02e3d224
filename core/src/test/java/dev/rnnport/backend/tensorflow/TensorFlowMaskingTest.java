package dev.rnnport.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.Networks;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masked steps in TensorFlow under both conventions, on the lecture's Elman RNN (relu, all weights
 * 1, no bias: each unit is x1 + x2 + h1 + h2), so every expected value is worked out by hand.
 * Inputs [1,1], [1,1], [2,2]; unmasked the forward states are 2, 6, 16.
 */
class TensorFlowMaskingTest {
    @RegisterExtension
    static final OpenTensorFlow TF = new OpenTensorFlow();

    private static final Tensor INPUT = Tensor.of(DType.F64, new int[] {3, 1, 2}, new double[] {1, 1, 1, 1, 2, 2});

    private static RecurrentNetwork elman(boolean bidirectional, Masking masking) {
        NetworkConfig cfg = NetworkConfig.of(CellKind.RNN_RELU, 2, 2).withBias(false).withBidirectional(bidirectional);
        cfg = cfg.withOptions(cfg.options().withMasking(masking));
        double[] one = new double[4];
        Arrays.fill(one, 1);
        Tensor ones = Tensor.of(DType.F64, new int[] {2, 2}, one);
        DirectionWeights w = DirectionWeights.of(ones, ones, null, null);
        return new RecurrentNetwork(cfg, bidirectional ? List.of(w, w) : List.of(w));
    }

    private static Tensor mask(double... m) {
        return Tensor.of(DType.F64, new int[] {1, m.length}, m.clone());
    }

    private static void expect(double[] output, double[] hN, RecurrentNetwork net, RunInputs in) {
        for (Precision p : Precision.values()) {
            RunOutputs out = TF.backend().run(net, in, p);
            assertArrayEquals(output, out.output().data(), 1e-6, "output " + p);
            assertArrayEquals(hN, out.hN().data(), 1e-6, "h_n " + p);
        }
    }

    @Test
    void kerasCarriesTheLastOutputAndPyTorchGivesZeros() {
        RunInputs in = RunInputs.of(INPUT).withMask(mask(1, 0, 1));
        expect(new double[] {2, 2, 2, 2, 8, 8}, new double[] {8, 8}, elman(false, Masking.KERAS), in);
        expect(new double[] {2, 2, 0, 0, 8, 8}, new double[] {8, 8}, elman(false, Masking.ZEROS), in);
    }

    @Test
    void kerasOutputsZerosBeforeTheFirstValidStepEvenWithAnInitialState() {
        Tensor h0 = Tensor.of(DType.F64, new int[] {1, 1, 2}, new double[] {5, -5});
        expect(new double[] {0, 0, 0, 0, 0, 0}, new double[] {5, -5}, elman(false, Masking.KERAS),
                RunInputs.of(INPUT).withH0(h0).withMask(mask(0, 0, 0)));
    }

    @Test
    void theReverseDirectionCarriesInItsOwnOrder() {
        expect(new double[] {2, 2, 10, 10, 2, 2, 4, 4, 8, 8, 4, 4}, new double[] {8, 8, 10, 10},
                elman(true, Masking.KERAS), RunInputs.of(INPUT).withMask(mask(1, 0, 1)));
    }

    @Test
    void lengthsAndMaskCombine() {
        Tensor lengths = Tensor.of(DType.F64, new int[] {1}, new double[] {2});
        expect(new double[] {0, 0, 2, 2, 2, 2}, new double[] {2, 2}, elman(false, Masking.KERAS),
                RunInputs.of(INPUT).withLengths(lengths).withMask(mask(0, 1, 1)));
    }

    /** The mask value lives in the graph: the backend's and a SavedModel's, run as it is. */
    @Test
    void aMaskValueMasksStepsWhoseFeaturesAllEqualIt(@TempDir Path tmp) {
        RecurrentNetwork net = elman(false, Masking.kerasMaskValue(1.0));
        expect(new double[] {0, 0, 0, 0, 4, 4}, new double[] {4, 4}, net, RunInputs.of(INPUT));
        Path dir = tmp.resolve("masked");
        Networks.save(net, dir, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS);
        RunOutputs out = TF.backend().runFile(dir, RunInputs.of(INPUT));
        assertArrayEquals(new double[] {0, 0, 0, 0, 4, 4}, out.output().data(), "SavedModel output");
        assertArrayEquals(new double[] {4, 4}, out.hN().data(), "SavedModel h_n");
    }
}

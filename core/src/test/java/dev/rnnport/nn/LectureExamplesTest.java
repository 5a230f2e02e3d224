package dev.rnnport.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-derived examples of Hung-yi Lee's lecture on RNN and LSTM, built through the public
 * API: exact expected values, worked out on paper, not by this code.
 */
class LectureExamplesTest {

    private static Tensor t(int[] shape, double... v) {
        return Tensor.of(DType.F32, shape, v);
    }

    /** Elman RNN, relu, all weights 1, no bias: h = [2,2], [6,6], [16,16]. */
    @Test
    void elmanRnnWithUnitWeights() {
        NetworkConfig cfg = NetworkConfig.of(CellKind.RNN_RELU, 2, 2).withBias(false);
        RecurrentNetwork net = new RecurrentNetwork(cfg, List.of(DirectionWeights.of(
                t(new int[] {2, 2}, 1, 1, 1, 1), t(new int[] {2, 2}, 1, 1, 1, 1), null, null)));
        Tensor input = t(new int[] {3, 2}, 1, 1, 1, 1, 2, 2);
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, RunInputs.of(input));
            assertEquals(List.of(2.0, 2.0, 6.0, 6.0, 16.0, 16.0), boxed(out.output().data()), p.toString());
            assertEquals(List.of(16.0, 16.0), boxed(out.hN().data()));
            // The lecture's output layer, 2x2 of ones: y = [4,4], [12,12], [32,32].
            double[] h = out.output().data();
            for (int step = 0; step < 3; step++) {
                assertEquals(new double[] {4, 12, 32}[step], h[2 * step] + h[2 * step + 1]);
            }
        }
    }

    /**
     * One LSTM unit with gates pushed to +-100: z = x1, input gate s(100 x2 - 10), forget gate
     * s(100 x2 + 10), output gate s(100 x3 - 10), g and h the identity: y = 0,0,0,7,0,0,6.
     */
    @Test
    void lstmUnitThatRemembersUntilAsked() {
        CellOptions identityGH = CellOptions.defaults(CellKind.LSTM).withActivations(
                List.of(Activation.SIGMOID, Activation.of(Activation.Kind.AFFINE), Activation.of(Activation.Kind.AFFINE)),
                CellOptions.defaultActivations(CellKind.LSTM));
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 3, 1).withOptions(identityGH);
        // PyTorch gate order i, f, g, o.
        Tensor wIh = t(new int[] {4, 3}, 0, 100, 0, 0, 100, 0, 1, 0, 0, 0, 0, 100);
        Tensor wHh = t(new int[] {4, 1}, 0, 0, 0, 0);
        Tensor bIh = t(new int[] {4}, -10, 10, 0, -10);
        Tensor bHh = t(new int[] {4}, 0, 0, 0, 0);
        RecurrentNetwork net = new RecurrentNetwork(cfg, List.of(DirectionWeights.of(wIh, wHh, bIh, bHh)));
        Tensor input = t(new int[] {7, 3}, 3, 1, 0, 4, 1, 0, 2, 0, 0, 1, 0, 1, 3, -1, 0, 6, 1, 0, 1, 0, 1);
        double[] expected = {0, 0, 0, 7, 0, 0, 6};
        for (Precision p : Precision.values()) {
            double[] y = new NativeEngine(p).run(net, RunInputs.of(input)).output().data();
            for (int step = 0; step < 7; step++) {
                assertTrue(Double.isFinite(y[step]), "no overflow at |x| = 100");
                // sigmoid(-10) * 7 = 3.2e-4 is the lecture's "approximately 0".
                assertEquals(expected[step], y[step], 1e-3, p + " step " + step);
            }
        }
    }

    private static List<Double> boxed(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}

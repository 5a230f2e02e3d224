package dev.rnnport.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Engine behaviour that PyTorch's grid cannot show: dropout in training, empty sequences, validation. */
class NativeEngineTest {

    private static Tensor random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(-0.5, 0.5);
        }
        return Tensor.of(DType.F32, shape, v);
    }

    private static RecurrentNetwork lstm(int layers, double dropout) {
        SplittableRandom r = new SplittableRandom(7);
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 3, 4).withLayers(layers).withDropout(dropout);
        List<DirectionWeights> w = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            w.add(DirectionWeights.of(random(r, 16, cfg.layerInputSize(l)), random(r, 16, 4), random(r, 16), random(r, 16)));
        }
        return new RecurrentNetwork(cfg, w);
    }

    @Test
    void dropoutOnlyInTrainingOnlyBetweenLayersAndSeeded() {
        Tensor x = random(new SplittableRandom(1), 6, 2, 3);
        RecurrentNetwork two = lstm(2, 0.5);
        double[] inference = new NativeEngine(Precision.FLOAT64).run(two, RunInputs.of(x)).output().data();
        double[] trainA = new NativeEngine(Precision.FLOAT64).training(42).run(two, RunInputs.of(x)).output().data();
        double[] trainB = new NativeEngine(Precision.FLOAT64).training(42).run(two, RunInputs.of(x)).output().data();
        double[] trainC = new NativeEngine(Precision.FLOAT64).training(43).run(two, RunInputs.of(x)).output().data();
        assertFalse(java.util.Arrays.equals(inference, trainA), "training applies dropout");
        assertArrayEquals(trainA, trainB, "same seed, same mask");
        assertFalse(java.util.Arrays.equals(trainA, trainC), "another seed, another mask");
        // The last layer's output is never dropped: with one layer, training equals inference.
        RecurrentNetwork one = lstm(1, 0.5);
        assertArrayEquals(new NativeEngine(Precision.FLOAT64).run(one, RunInputs.of(x)).output().data(),
                new NativeEngine(Precision.FLOAT64).training(42).run(one, RunInputs.of(x)).output().data());
    }

    /** The float32 path draws the same dropout mask as the float64 reference from the same seed. */
    @Test
    void float32TrainingDropsWhatFloat64Drops() {
        Tensor x = random(new SplittableRandom(2), 6, 2, 3);
        RecurrentNetwork three = lstm(3, 0.5);
        double[] exact = new NativeEngine(Precision.FLOAT64).training(7).run(three, RunInputs.of(x)).output().data();
        double[] fast = new NativeEngine(Precision.FLOAT32).training(7).run(three, RunInputs.of(x)).output().data();
        double[] otherSeed = new NativeEngine(Precision.FLOAT32).training(8).run(three, RunInputs.of(x)).output().data();
        double largest = 0;
        double apart = 0;
        for (int i = 0; i < exact.length; i++) {
            largest = Math.max(largest, Math.abs(exact[i] - fast[i]));
            apart = Math.max(apart, Math.abs(exact[i] - otherSeed[i]));
        }
        assertTrue(largest < 1e-5, "float32 training run within 1e-5 of float64, found " + largest);
        assertTrue(apart > 1e-3, "another seed drops other values, differences up to " + apart);
    }

    @Test
    void zeroLengthGivesZerosAndTheInitialState() {
        RecurrentNetwork net = lstm(1, 0);
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = random(r, 4, 2, 3);
        Tensor h0 = random(r, 1, 2, 4);
        Tensor c0 = random(r, 1, 2, 4);
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(net,
                RunInputs.of(x).withH0(h0).withC0(c0).withLengths(Tensor.of(DType.I64, new int[] {2}, new double[] {0, 4})));
        for (int t = 0; t < 4; t++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(0.0, out.output().get(t, 0, j), "sequence 0 has no valid step");
            }
        }
        for (int j = 0; j < 4; j++) {
            assertEquals(h0.get(0, 0, j), out.hN().get(0, 0, j));
            assertEquals(c0.get(0, 0, j), out.cN().get(0, 0, j));
        }
        assertTrue(out.hN().get(0, 1, 0) != h0.get(0, 1, 0), "sequence 1 ran");
    }

    @Test
    void lengthsBeyondTheSequenceAreRefused() {
        RecurrentNetwork net = lstm(1, 0);
        Tensor x = random(new SplittableRandom(3), 4, 2, 3);
        RunInputs tooLong = RunInputs.of(x).withLengths(Tensor.of(DType.I64, new int[] {2}, new double[] {5, 1}));
        ModelException e = assertThrows(ModelException.class, () -> new NativeEngine(Precision.FLOAT32).run(net, tooLong));
        assertEquals("lengths[0] is 5.0, expected a whole number from 0 to seq_len 4", e.getMessage());
    }

    @Test
    void constructorNamesLayerDirectionTensorAndShapes() {
        SplittableRandom r = new SplittableRandom(1);
        NetworkConfig cfg = NetworkConfig.of(CellKind.GRU, 3, 4).withBidirectional(true);
        List<DirectionWeights> w = List.of(
                DirectionWeights.of(random(r, 12, 3), random(r, 12, 4), random(r, 12), random(r, 12)),
                DirectionWeights.of(random(r, 12, 3), random(r, 12, 4), random(r, 12), random(r, 11)));
        ModelException e = assertThrows(ModelException.class, () -> new RecurrentNetwork(cfg, w));
        assertEquals("layer 0 reverse: tensor bias_hh_l0_reverse has shape [11], expected [12]", e.getMessage());
    }
}

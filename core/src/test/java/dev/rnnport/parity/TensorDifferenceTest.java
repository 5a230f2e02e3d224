package dev.rnnport.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Errors, the worst element and the allclose rule, on hand-made tensors. */
class TensorDifferenceTest {
    /** A bidirectional batch_first network with hidden size 2: output (batch, step, 4). */
    static final TensorAxes AXES = new TensorAxes(NetworkConfig.of(CellKind.GRU, 3, 2).withBidirectional(true).withBatchFirst(true), false);

    @Test
    void theWorstElementIsTheOneFurthestOutsideTheAllowance() {
        double[] ref = new double[2 * 3 * 4];
        double[] got = ref.clone();
        ref[1 * 12 + 2 * 4 + 3] = 100;
        got[1 * 12 + 2 * 4 + 3] = 100.00005;   // 5e-5 off, but allowed 1e-5 + 1e-6*100 = 1.1e-4
        got[0 * 12 + 1 * 4 + 1] = 2e-5;        // 2e-5 off where 1e-5 is allowed
        TensorDifference d = TensorDifference.of("output", Tensor.ofDoubles(new int[] {2, 3, 4}, ref),
                Tensor.ofDoubles(new int[] {2, 3, 4}, got), Tolerance.DEFAULT, AXES);
        assertFalse(d.passed());
        assertEquals(5e-5, d.maxAbs(), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, d.maxRel(), "a reference 0 that is missed");
        assertArrayEquals(new int[] {0, 1, 1}, d.worst());
        assertEquals("batch 0, step 1, unit 1 (forward 1)", d.where());
    }

    @Test
    void relativeToleranceCarriesLargeValues() {
        Tensor ref = Tensor.ofDoubles(new int[] {2, 1, 2}, 100, -50, 1, 0);
        Tensor got = Tensor.ofDoubles(new int[] {2, 1, 2}, 100.0001, -50.00005, 1, 0);
        TensorDifference d = TensorDifference.of("h_n", ref, got, Tolerance.DEFAULT, AXES);
        assertTrue(d.passed(), "1e-4 at 100 is within 1e-5 + 1e-6*100");
        assertEquals(1e-6, d.maxRel(), 1e-9);
        assertEquals("layer 0 forward, batch 0, unit 0", d.where());
        assertFalse(TensorDifference.of("h_n", ref, got, new Tolerance(1e-5, 0), AXES).passed());
    }

    @Test
    void nanNeverPassesAndShapesMustAgree() {
        Tensor ref = Tensor.ofDoubles(new int[] {1, 1, 2}, 0.5, 0.25);
        assertFalse(TensorDifference.of("c_n", ref, Tensor.ofDoubles(new int[] {1, 1, 2}, 0.5, Double.NaN), Tolerance.DEFAULT, AXES).passed());
        TensorDifference shape = TensorDifference.of("c_n", ref, Tensor.ofDoubles(new int[] {1, 2, 1}, 0.5, 0.25), Tolerance.DEFAULT, AXES);
        assertFalse(shape.passed());
        assertEquals("shape [1, 2, 1] where the reference has [1, 1, 2]", shape.problem());
    }
}

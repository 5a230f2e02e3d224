package dev.rnnport.parity;

import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;

/**
 * How one tensor of a run differs from the reference's: the largest absolute and relative errors,
 * the element that is furthest outside the tolerance, and whether every element is within it.
 * A tensor that is missing or has another shape fails with {@code problem} saying so; a final state
 * that the run does not give at all ({@link #absent}) passes with the problem noted, since only the
 * output is required of a file or a recording.
 *
 * @param maxRel largest |a - r| / |r| over elements whose reference is not 0 (infinite when a
 *               reference 0 is not matched exactly)
 * @param worst  index of the element furthest outside the allowance (or nearest to it when all
 *               pass), in PyTorch's shape; empty for an empty tensor or a problem
 * @param where  {@code worst} in words (see {@link TensorAxes})
 */
public record TensorDifference(String tensor, int[] shape, double maxAbs, double maxRel, int[] worst, String where,
                               boolean passed, String problem) {

    /** Compares {@code actual} with {@code reference}; both may be null (the tensor does not exist for this cell). */
    public static TensorDifference of(String tensor, Tensor reference, Tensor actual, Tolerance tolerance, TensorAxes axes) {
        if (actual == null) {
            return problem(tensor, reference.shape(), "missing (the reference has " + reference.shapeString() + ")");
        }
        if (reference == null) {
            return problem(tensor, actual.shape(), "given, but the reference has no " + tensor);
        }
        if (!Arrays.equals(reference.shape(), actual.shape())) {
            return problem(tensor, actual.shape(), "shape " + actual.shapeString() + " where the reference has " + reference.shapeString());
        }
        double[] r = reference.data();
        double[] a = actual.data();
        double maxAbs = 0;
        double maxRel = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        int worstAt = -1;
        for (int i = 0; i < r.length; i++) {
            double abs = Math.abs(a[i] - r[i]);
            if (Double.isNaN(abs)) {
                abs = Double.POSITIVE_INFINITY;
            }
            maxAbs = Math.max(maxAbs, abs);
            if (r[i] != 0) {
                maxRel = Math.max(maxRel, abs / Math.abs(r[i]));
            } else if (abs > 0) {
                maxRel = Double.POSITIVE_INFINITY;
            }
            double excess = tolerance.excess(r[i], a[i]);
            if (excess > worstExcess) {
                worstExcess = excess;
                worstAt = i;
            }
        }
        int[] index = worstAt < 0 ? new int[0] : unravel(reference.shape(), worstAt);
        return new TensorDifference(tensor, reference.shape(), maxAbs, maxRel, index, axes.describe(tensor, index),
                worstExcess <= 0 || worstAt < 0, null);
    }

    /** A final state this run does not give: shown, and not counted against it. */
    public static TensorDifference absent(String tensor, int[] referenceShape) {
        return new TensorDifference(tensor, referenceShape, Double.NaN, Double.NaN, new int[0], "-", true,
                "not given by this run");
    }

    private static TensorDifference problem(String tensor, int[] shape, String problem) {
        return new TensorDifference(tensor, shape, Double.NaN, Double.NaN, new int[0], "-", false, problem);
    }

    public String shapeString() {
        return Shapes.format(shape);
    }

    static int[] unravel(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}

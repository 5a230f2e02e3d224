package dev.rnnport.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;

/**
 * How close a result is to its reference: the largest absolute difference between two tensors of
 * one shape, and the element where it is. {@link #assertClose} checks one tensor; an instance
 * collects every tensor of a run that is too far off, so that one failing case reports all of its
 * outputs at once ({@link #check}).
 */
public final class Closeness {
    /**
     * The largest absolute difference and where it is: {@code index} is empty for empty tensors.
     * A NaN in either tensor makes the error NaN, which no tolerance accepts.
     */
    public record Worst(double error, int[] index, double expected, double actual) {
        public boolean within(double tolerance) {
            return error <= tolerance;
        }

        @Override
        public String toString() {
            return String.format("max abs error %.3g at %s (expected %.9g, got %.9g)",
                    error, Arrays.toString(index), expected, actual);
        }
    }

    private final String subject;
    private final double tolerance;
    private final StringBuilder failures = new StringBuilder();

    /** Collects the tensors of {@code subject} that differ from their reference by more than {@code tolerance}. */
    public Closeness(String subject, double tolerance) {
        this.subject = subject;
        this.tolerance = tolerance;
    }

    /** The largest absolute difference; the shapes must be equal. */
    public static Worst maxAbsError(Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError("shape " + actual.shapeString() + ", expected " + expected.shapeString());
        }
        double[] e = expected.data();
        double[] a = actual.data();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]);
            if (Double.isNaN(err)) {
                worst = err;
                at = i;
                break;
            }
            if (err > worst || at < 0) {
                worst = err;
                at = i;
            }
        }
        return at < 0 ? new Worst(0, new int[0], Double.NaN, Double.NaN)
                : new Worst(worst, index(expected.shape(), at), e[at], a[at]);
    }

    /** Same shape and every element of {@code actual} within {@code tolerance} of {@code expected}. */
    public static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        if (actual == null) {
            fail(what + ": missing, expected " + expected.shapeString());
        }
        assertArrayEquals(expected.shape(), actual.shape(),
                what + ": shape " + actual.shapeString() + ", expected " + expected.shapeString());
        Worst worst = maxAbsError(expected, actual);
        assertTrue(worst.within(tolerance), () -> what + ": " + worst + ", tolerance " + tolerance);
    }

    /** output, h_n and (when either has one) c_n. */
    public Closeness outputs(String what, RunOutputs expected, RunOutputs actual) {
        tensor(what + " output", expected.output(), actual.output());
        tensor(what + " h_n", expected.hN(), actual.hN());
        if (expected.cN() != null || actual.cN() != null) {
            tensor(what + " c_n", expected.cN(), actual.cN());
        }
        return this;
    }

    public Closeness tensor(String what, Tensor expected, Tensor actual) {
        String label = "\n  " + what + ":";
        if (actual == null || expected == null) {
            failures.append(label).append(' ').append(actual == null ? "missing" : "unexpected")
                    .append(expected == null ? "" : ", expected " + expected.shapeString());
            return this;
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            failures.append(label).append(" shape ").append(actual.shapeString())
                    .append(", expected ").append(expected.shapeString());
            return this;
        }
        Worst worst = maxAbsError(expected, actual);
        if (!worst.within(tolerance)) {
            failures.append(label).append(' ').append(worst).append(", tolerance ").append(tolerance);
        }
        return this;
    }

    /** Fails, listing every tensor found too far off, if there was one. */
    public void check() {
        if (failures.length() > 0) {
            fail(subject + ":" + failures);
        }
    }

    private static int[] index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}

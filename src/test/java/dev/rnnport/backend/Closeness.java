package dev.rnnport.backend;

import static org.junit.jupiter.api.Assertions.fail;

import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;

/**
 * Collects every tensor that differs from its reference by more than a tolerance (max abs error),
 * so one failing case reports all of its outputs, each with the worst element and its index.
 */
public final class Closeness {
    private final String subject;
    private final double tolerance;
    private final StringBuilder failures = new StringBuilder();

    public Closeness(String subject, double tolerance) {
        this.subject = subject;
        this.tolerance = tolerance;
    }

    /** output, h_n and (when the reference has one) c_n. */
    public Closeness outputs(String what, RunOutputs actual, RunOutputs expected) {
        tensor(what + " output", actual.output(), expected.output());
        tensor(what + " h_n", actual.hN(), expected.hN());
        if (expected.cN() != null || actual.cN() != null) {
            tensor(what + " c_n", actual.cN(), expected.cN());
        }
        return this;
    }

    public Closeness tensor(String what, Tensor actual, Tensor expected) {
        if (actual == null || expected == null) {
            failures.append("\n  ").append(what).append(": ").append(actual == null ? "missing" : "unexpected")
                    .append(expected == null ? "" : ", expected " + expected.shapeString());
            return this;
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            failures.append("\n  ").append(what).append(": shape ").append(actual.shapeString())
                    .append(", expected ").append(expected.shapeString());
            return this;
        }
        double[] e = expected.data();
        double[] a = actual.data();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]);
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        if (worst > tolerance || Double.isNaN(worst)) {
            failures.append(String.format("%n  %s: max abs error %.3g > %.0e at %s (expected %.9g, got %.9g)",
                    what, worst, tolerance, index(expected.shape(), at), e[at], a[at]));
        }
        return this;
    }

    public void check() {
        if (failures.length() > 0) {
            fail(subject + ":" + failures);
        }
    }

    private static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }
}

package dev.rnnport.parity;

import dev.rnnport.UsageException;

/**
 * When two values count as equal, as numpy's {@code allclose} decides:
 * {@code |actual - reference| <= atol + rtol * |reference|}.
 *
 * <p>The default is {@code atol = 1e-5, rtol = 1e-6}. The absolute term is the target the project
 * states for every engine and format against the float64 oracle, for outputs of magnitude up to 1
 * (LSTM, GRU and tanh-RNN outputs are bounded by 1), and the small relative term moves it only to
 * 1.1e-5 there. It is there for large values, where float32 cannot do better than its relative
 * rounding (about 6e-8 per operation, accumulated over the steps): LSTM cell states and relu
 * networks reach tens or hundreds, and 1e-5 absolute would fail a correct float32 engine on them.
 * numpy's own default (rtol 1e-5) would double the allowance near 1 without need.
 *
 * @param atol absolute tolerance, at least 0
 * @param rtol relative tolerance, at least 0
 */
public record Tolerance(double atol, double rtol) {
    public static final Tolerance DEFAULT = new Tolerance(1e-5, 1e-6);

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new UsageException("--atol and --rtol must be 0 or more, found atol " + atol + ", rtol " + rtol);
        }
    }

    /** True when {@code actual} is close enough to {@code reference}; a NaN on either side never is. */
    public boolean allows(double reference, double actual) {
        return Math.abs(actual - reference) <= atol + rtol * Math.abs(reference);
    }

    /** How far past the allowance an element is; positive means it fails. NaN counts as infinitely far. */
    public double excess(double reference, double actual) {
        double e = Math.abs(actual - reference) - (atol + rtol * Math.abs(reference));
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    @Override
    public String toString() {
        return "atol " + format(atol) + ", rtol " + format(rtol);
    }

    static String format(double v) {
        return v == 0 ? "0" : String.format("%.0e", v).replace("e-0", "e-").replace("e+0", "e");
    }
}

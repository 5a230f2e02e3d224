package dev.rnnport.parity;

/**
 * Where a disagreeing run first leaves the reference, and which known conversion mistake, if any,
 * reproduces it.
 *
 * @param where      the first layer, direction and time step beyond the tolerance, in words
 * @param cause      the mistake that reproduces the disagreeing result, completing "matches if ...";
 *                   null when none of the catalogue does
 * @param causeError the largest absolute difference between the disagreeing result and the
 *                   mistaken network's, NaN without a cause
 * @param tried      how many mistaken networks were run
 */
public record Diagnosis(String where, String cause, double causeError, int tried) {

    /** One line: "layer 1, reverse direction, from step 0: matches if ..." */
    public String summary() {
        return where + ": " + (cause == null
                ? "no known conversion mistake reproduces it (" + tried + " tried)"
                : "matches if " + cause + " (max abs " + String.format("%.1e", causeError) + " after the change)");
    }
}

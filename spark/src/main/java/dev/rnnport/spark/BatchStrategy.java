package dev.rnnport.spark;

import java.util.Locale;

/** How a mini-batch of sequences of different lengths is given to the engine. */
public enum BatchStrategy {
    /** The whole mini-batch at once, shorter sequences padded with zeros and told their lengths. */
    PADDED,
    /** One engine call per distinct length in the mini-batch, so no step is computed in vain. */
    EQUAL_LENGTH;

    /** The strategy a parameter value names ({@code padded} or {@code equal-length}). */
    public static BatchStrategy parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "padded" -> PADDED;
            case "equal-length" -> EQUAL_LENGTH;
            default -> throw new IllegalArgumentException("batch strategy must be padded or equal-length, found '" + s + "'");
        };
    }

    /** The parameter value that names this strategy. */
    public String paramValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

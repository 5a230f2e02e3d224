package dev.rnnport.nn;

import java.util.Locale;

/** Arithmetic the engine computes in. FLOAT32 rounds every stored value to float, as PyTorch's float32 does. */
public enum Precision {
    FLOAT32, FLOAT64;

    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "float" -> FLOAT32;
            case "float64", "f64", "double" -> FLOAT64;
            default -> throw new dev.rnnport.UsageException("precision must be float32 or float64, found '" + s + "'");
        };
    }
}

package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.nn.Activation;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's activation names and the IR's {@link Activation}s. hard_sigmoid differs by era: Keras 1
 * and 2 compute clip(0.2x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1); the slope
 * comes from {@code converters/keras.properties}.
 */
final class KerasActivations {
    private static final String KNOWN = "sigmoid, tanh, relu, hard_sigmoid, linear, softsign, softplus, elu";

    private KerasActivations() {
    }

    /** The IR activation for a Keras activation config value (a name, or Keras 3's serialised object). */
    static Activation parse(Object value, int kerasMajor, String where) {
        String name = nameOf(value);
        if (name == null) {
            throw new ModelException(where + ": activation " + value + " is not a name (known: " + KNOWN + ")");
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "relu" -> Activation.RELU;
            case "linear" -> Activation.of(Activation.Kind.AFFINE).withAlpha(1.0).withBeta(0.0);
            case "softsign" -> Activation.of(Activation.Kind.SOFTSIGN);
            case "softplus" -> Activation.of(Activation.Kind.SOFTPLUS);
            case "elu" -> Activation.of(Activation.Kind.ELU).withAlpha(1.0);
            case "hard_sigmoid" -> {
                double[] ab = KerasLayout.get().hardSigmoid(kerasMajor);
                yield Activation.of(Activation.Kind.HARD_SIGMOID).withAlpha(ab[0]).withBeta(ab[1]);
            }
            default -> throw new ModelException(where + ": unknown activation '" + name + "' (known: " + KNOWN + ")");
        };
    }

    /** The Keras name of an IR activation, or null when Keras has none that computes the same. */
    static String nameOf(Activation a, int kerasMajor) {
        return switch (a.kind()) {
            case SIGMOID -> "sigmoid";
            case TANH -> "tanh";
            case RELU -> "relu";
            case SOFTSIGN -> "softsign";
            case SOFTPLUS -> "softplus";
            case AFFINE -> a.alpha() == 1.0 && a.beta() == 0.0 ? "linear" : null;
            case ELU -> a.alpha() == 1.0 ? "elu" : null;
            case HARD_SIGMOID -> {
                double[] ab = KerasLayout.get().hardSigmoid(kerasMajor);
                yield a.alpha() == ab[0] && a.beta() == ab[1] ? "hard_sigmoid" : null;
            }
            default -> null;
        };
    }

    private static String nameOf(Object value) {
        if (value instanceof String s) {
            return s;
        }
        // Keras 3 may serialise a built-in activation as {"module": "keras.activations", "class_name": "function",
        // "config": "tanh", ...}.
        if (value instanceof Map<?, ?> m && m.get("config") instanceof String s) {
            return s;
        }
        return null;
    }
}

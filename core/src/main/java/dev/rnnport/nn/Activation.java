package dev.rnnport.nn;

import dev.rnnport.ModelException;
import java.util.Locale;

/**
 * One of the gate activation functions that ONNX (and Keras) can name, with its alpha and beta.
 * PyTorch's cells use only Sigmoid, Tanh and, for nn.RNN, Relu.
 *
 * <p>Defaults for alpha/beta follow the ONNX operator specification.
 */
public record Activation(Kind kind, double alpha, double beta) {

    public enum Kind {
        SIGMOID("Sigmoid", Double.NaN, Double.NaN),
        TANH("Tanh", Double.NaN, Double.NaN),
        RELU("Relu", Double.NaN, Double.NaN),
        HARD_SIGMOID("HardSigmoid", 0.2, 0.5),
        AFFINE("Affine", 1.0, 0.0),
        LEAKY_RELU("LeakyRelu", 0.01, Double.NaN),
        THRESHOLDED_RELU("ThresholdedRelu", 1.0, Double.NaN),
        SCALED_TANH("ScaledTanh", 1.0, 1.0),
        ELU("Elu", 1.0, Double.NaN),
        SOFTSIGN("Softsign", Double.NaN, Double.NaN),
        SOFTPLUS("Softplus", Double.NaN, Double.NaN);

        private final String onnxName;
        private final double defaultAlpha;
        private final double defaultBeta;

        Kind(String onnxName, double defaultAlpha, double defaultBeta) {
            this.onnxName = onnxName;
            this.defaultAlpha = defaultAlpha;
            this.defaultBeta = defaultBeta;
        }

        public String onnxName() {
            return onnxName;
        }

        public boolean usesAlpha() {
            return !Double.isNaN(defaultAlpha);
        }

        public boolean usesBeta() {
            return !Double.isNaN(defaultBeta);
        }
    }

    public static final Activation SIGMOID = of(Kind.SIGMOID);
    public static final Activation TANH = of(Kind.TANH);
    public static final Activation RELU = of(Kind.RELU);

    /** The function with ONNX's default parameters. */
    public static Activation of(Kind kind) {
        return new Activation(kind, kind.defaultAlpha, kind.defaultBeta);
    }

    /** Looks up an ONNX activation name, case-insensitively as ONNX Runtime does. */
    public static Activation parse(String name) {
        for (Kind k : Kind.values()) {
            if (k.onnxName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return of(k);
            }
        }
        throw new ModelException("unknown activation '" + name + "' (known: Sigmoid, Tanh, Relu, HardSigmoid, Affine,"
                + " LeakyRelu, ThresholdedRelu, ScaledTanh, Elu, Softsign, Softplus)");
    }

    public Activation withAlpha(double a) {
        return new Activation(kind, a, beta);
    }

    public Activation withBeta(double b) {
        return new Activation(kind, alpha, b);
    }

    public double apply(double x) {
        return switch (kind) {
            // 1/(1+e^-x) in double cannot overflow into NaN: e^-x may be infinite, the quotient is then 0.
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case RELU -> Math.max(0.0, x);
            case HARD_SIGMOID -> Math.min(1.0, Math.max(0.0, alpha * x + beta));
            case AFFINE -> alpha * x + beta;
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case THRESHOLDED_RELU -> x > alpha ? x : 0.0;
            case SCALED_TANH -> alpha * Math.tanh(beta * x);
            case ELU -> x >= 0 ? x : alpha * (Math.exp(x) - 1.0);
            case SOFTSIGN -> x / (1.0 + Math.abs(x));
            case SOFTPLUS -> x > 30 ? x : Math.log1p(Math.exp(x));
        };
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.onnxName);
        if (kind.usesAlpha() || kind.usesBeta()) {
            s.append('(');
            if (kind.usesAlpha()) {
                s.append("alpha=").append(alpha);
            }
            if (kind.usesBeta()) {
                s.append(kind.usesAlpha() ? ", " : "").append("beta=").append(beta);
            }
            s.append(')');
        }
        return s.toString();
    }
}

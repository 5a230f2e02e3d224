package dev.rnnport.format.savedmodel;

import dev.rnnport.nn.Activation;
import org.tensorflow.Output;

/**
 * The gate functions ONNX and Keras name ({@link Activation}) as TensorFlow operations. Those TF
 * has as ops with float-valued attributes (LeakyRelu, Elu) are written out with constants, so that
 * alpha and beta keep their full value in float64.
 */
final class ActivationOps {
    private ActivationOps() {
    }

    static Output<?> apply(GraphOps o, Activation a, Output<?> x) {
        return switch (a.kind()) {
            case SIGMOID -> o.op("Sigmoid", x);
            case TANH -> o.op("Tanh", x);
            case RELU -> o.op("Relu", x);
            case SOFTSIGN -> o.op("Softsign", x);
            case SOFTPLUS -> o.op("Softplus", x);
            case HARD_SIGMOID -> o.op("Minimum", o.op("Maximum", affine(o, a, x), o.scalar(0)), o.scalar(1));
            case AFFINE -> affine(o, a, x);
            case LEAKY_RELU -> o.select(o.greaterEqual(x, o.scalar(0)), x, o.mul(o.scalar(a.alpha()), x));
            case THRESHOLDED_RELU -> o.select(o.op("Greater", x, o.scalar(a.alpha())), x, o.zerosLike(x));
            case SCALED_TANH -> o.mul(o.scalar(a.alpha()), o.op("Tanh", o.mul(o.scalar(a.beta()), x)));
            case ELU -> o.select(o.greaterEqual(x, o.scalar(0)), x, o.mul(o.scalar(a.alpha()), o.op("Expm1", x)));
        };
    }

    private static Output<?> affine(GraphOps o, Activation a, Output<?> x) {
        return o.add(o.mul(o.scalar(a.alpha()), x), o.scalar(a.beta()));
    }
}

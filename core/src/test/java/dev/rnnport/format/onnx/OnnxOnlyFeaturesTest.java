package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Networks with what only ONNX can say (peepholes, clip, activations with alpha and beta,
 * input_forget, GRU linear_before_reset=0, a reverse-only direction) and projected LSTMs, which
 * ONNX holds only as a Loop: written, read back unchanged, written again byte for byte, and run by
 * ONNX Runtime to the native engine's results. Weights are seeded random values; alpha, beta and
 * clip are float-exact because ONNX stores attributes as float32.
 */
class OnnxOnlyFeaturesTest {
    static Stream<Arguments> networks() {
        List<Activation> lstmFwd = List.of(new Activation(Activation.Kind.HARD_SIGMOID, 0.3125, 0.375),
                new Activation(Activation.Kind.SCALED_TANH, 1.25, 0.75), new Activation(Activation.Kind.AFFINE, 0.875, 0.125));
        List<Activation> lstmRev = List.of(Activation.SIGMOID, new Activation(Activation.Kind.LEAKY_RELU, 0.0625, Double.NaN),
                Activation.of(Activation.Kind.SOFTSIGN));
        CellOptions lstmOpts = CellOptions.defaults(CellKind.LSTM).withActivations(lstmFwd, lstmRev).withClip(0.75);
        CellOptions gruOpts = CellOptions.defaults(CellKind.GRU).withLinearBeforeReset(false).withClip(2.5)
                .withActivations(List.of(Activation.SIGMOID, new Activation(Activation.Kind.ELU, 1.5, Double.NaN)),
                        List.of(new Activation(Activation.Kind.HARD_SIGMOID, 0.25, 0.4375), Activation.of(Activation.Kind.SOFTPLUS)));
        CellOptions rnnReverse = CellOptions.defaults(CellKind.RNN_TANH).withReverseOnly(true)
                .withActivations(List.of(new Activation(Activation.Kind.LEAKY_RELU, 0.125, Double.NaN)), List.of());
        return Stream.of(
                Arguments.of("lstm peepholes clip activations", config(CellKind.LSTM, 2, true, false, 0, lstmOpts), true),
                Arguments.of("lstm input_forget peepholes", config(CellKind.LSTM, 1, false, true, 0,
                        CellOptions.defaults(CellKind.LSTM).withInputForget(true)), true),
                Arguments.of("gru lbr=0 clip activations", config(CellKind.GRU, 2, true, true, 0, gruOpts), false),
                Arguments.of("rnn reverse-only leaky relu", config(CellKind.RNN_TANH, 2, false, false, 0, rnnReverse), false),
                Arguments.of("lstm reverse-only", config(CellKind.LSTM, 1, false, false, 0,
                        CellOptions.defaults(CellKind.LSTM).withReverseOnly(true)), false),
                Arguments.of("lstm proj uni", config(CellKind.LSTM, 1, false, false, 3, CellOptions.defaults(CellKind.LSTM)), false),
                Arguments.of("lstm proj bi", config(CellKind.LSTM, 1, true, false, 2, CellOptions.defaults(CellKind.LSTM)), false),
                Arguments.of("lstm proj stacked bi batch_first", config(CellKind.LSTM, 3, true, true, 3,
                        CellOptions.defaults(CellKind.LSTM)), false),
                Arguments.of("lstm proj reverse-only", config(CellKind.LSTM, 2, false, false, 2,
                        CellOptions.defaults(CellKind.LSTM).withReverseOnly(true)), false));
    }

    static NetworkConfig config(CellKind cell, int layers, boolean bi, boolean batchFirst, int proj, CellOptions o) {
        return new NetworkConfig(cell, 4, 5, layers, true, batchFirst, 0.0, bi, proj, o);
    }

    /** Seeded weights in [-0.6, 0.6), peepholes when asked. */
    static RecurrentNetwork network(NetworkConfig c, boolean peepholes, long seed) {
        int gh = c.cell().gates() * c.hiddenSize();
        List<DirectionWeights> w = new ArrayList<>();
        long s = seed;
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (int d = 0; d < c.directions(); d++) {
                w.add(new DirectionWeights(rand(s++, gh, c.layerInputSize(layer)), rand(s++, gh, c.outputSize()),
                        rand(s++, gh), rand(s++, gh), c.projSize() > 0 ? rand(s++, c.projSize(), c.hiddenSize()) : null,
                        peepholes ? rand(s++, 3 * c.hiddenSize()) : null));
            }
        }
        return new RecurrentNetwork(c, w);
    }

    private static Tensor rand(long seed, int... shape) {
        Tensor t = OrtRun.random(seed, shape);
        double[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 0.6;
        }
        return Tensor.of(t.dtype(), shape, v);
    }

    static RunInputs inputs(NetworkConfig c, long seed) {
        int states = c.directions() * c.numLayers();
        Tensor x = c.batchFirst() ? OrtRun.random(seed, 3, 6, c.inputSize()) : OrtRun.random(seed, 6, 3, c.inputSize());
        RunInputs in = RunInputs.of(x).withH0(OrtRun.random(seed + 1, states, 3, c.outputSize()));
        return c.cell() == CellKind.LSTM ? in.withC0(OrtRun.random(seed + 2, states, 3, c.hiddenSize())) : in;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void roundTripsAndRunsInOnnxRuntime(String name, NetworkConfig c, boolean peepholes) throws Exception {
        RecurrentNetwork net = network(c, peepholes, name.hashCode());
        RoundTripTest.roundTrip(net, inputs(c, 11), name);
    }

    @ParameterizedTest(name = "opset {0}")
    @ValueSource(ints = {7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
    void everyOpsetRunsInOnnxRuntime(int opset) throws Exception {
        List<NetworkConfig> configs = new ArrayList<>(List.of(
                config(CellKind.LSTM, 2, true, true, 0, CellOptions.defaults(CellKind.LSTM)),
                config(CellKind.GRU, 2, false, false, 0, CellOptions.defaults(CellKind.GRU))));
        if (opset >= ProjectionLoopWriter.MIN_OPSET) {
            configs.add(config(CellKind.LSTM, 2, true, false, 3, CellOptions.defaults(CellKind.LSTM)));
        }
        for (NetworkConfig c : configs) {
            RecurrentNetwork net = network(c, false, opset);
            var model = OnnxWriter.toModel(net, opset);
            assertEquals(opset, model.getOpsetImport(0).getVersion());
            Networks.assertSame(net, OnnxReader.read(model, Map.of(), "opset " + opset).get(0).network(), "opset " + opset);
            RunInputs in = inputs(c, opset);
            Map<String, Tensor> ort = OrtRun.run(model.toByteArray(), Networks.feeds(net, in));
            RunOutputs nat = new NativeEngine(Precision.FLOAT32).run(net, in);
            new Closeness("opset " + opset + " " + net, 1e-5).outputs("ONNX Runtime vs native", nat, Networks.ortOutputs(ort, nat))
                    .check();
        }
    }
}

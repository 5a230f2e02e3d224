package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Keras files of Deeplearning4j's test resources (Keras 1.2.2 on TensorFlow and Theano, Keras
 * 2.0.6-2.1.3): every file loads, and where the files record what Keras computed, the native
 * engine reproduces it.
 */
class Dl4jFilesTest {
    static final Path DIR = Path.of("testmodels/keras/dl4j");

    static Stream<Path> modelFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DIR)) {
            return s.filter(p -> p.toString().endsWith(".h5") && !p.toString().contains("inputs_and_outputs"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("modelFiles")
    void everyFileLoadsAsOneBatchFirstNetwork(Path file) throws IOException {
        assertEquals(ModelFormat.KERAS_H5, ModelFormat.detect(file));
        List<NamedNetwork> all = Networks.loadAll(file, LoadOptions.DEFAULTS);
        assertEquals(1, all.size(), file + ": " + all);
        NetworkConfig c = all.get(0).network().config();
        assertTrue(c.batchFirst());
        assertEquals(1, c.numLayers());
    }

    /**
     * Keras recorded the recurrent layer's own output (return_sequences=False: the last step) for
     * the recorded inputs. Keras 1's LSTM uses inner_activation hard_sigmoid = clip(0.2x+0.5, 0, 1).
     */
    @ParameterizedTest
    @CsvSource({
        "examples/simple_lstm/simple_lstm_tf_keras_1_model.h5, examples/simple_lstm/simple_lstm_tf_keras_1_inputs_and_outputs.h5, lstm_input_1, lstm_1",
        "examples/simple_lstm/simple_lstm_tf_keras_1_weights.h5, examples/simple_lstm/simple_lstm_tf_keras_1_inputs_and_outputs.h5, lstm_input_1, lstm_1",
        "examples/simple_lstm/simple_lstm_th_keras_1_model.h5, examples/simple_lstm/simple_lstm_th_keras_1_inputs_and_outputs.h5, lstm_input_1, lstm_1",
        "examples/simple_lstm/simple_lstm_th_keras_1_weights.h5, examples/simple_lstm/simple_lstm_th_keras_1_inputs_and_outputs.h5, lstm_input_1, lstm_1",
        "examples/simple_rnn/simple_rnn_tf_keras_2_model.h5, examples/simple_rnn/simple_rnn_tf_keras_2_inputs_and_outputs.h5, simple_rnn_1_input, simple_rnn_1",
        "examples/simple_rnn/simple_rnn_tf_keras_2_weights.h5, examples/simple_rnn/simple_rnn_tf_keras_2_inputs_and_outputs.h5, simple_rnn_1_input, simple_rnn_1",
    })
    void nativeEngineReproducesKerasRecordedActivations(String model, String recorded, String input, String layer) {
        RecurrentNetwork net = Networks.load(DIR.resolve(model));
        Tensor x;
        Tensor expected;
        try (HdfFile h5 = new HdfFile(DIR.resolve(recorded))) {
            x = Hdf5.tensor(h5.getDatasetByPath("inputs/" + input));
            expected = Hdf5.tensor(h5.getDatasetByPath("activations/" + layer));
        }
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, RunInputs.of(x));
            // return_sequences=False: Keras hands on the last step, which is h_n (1, N, H) here.
            Tensor last = out.hN().reshape(expected.shape());
            Closeness.assertClose(expected, last, 1e-5, model + " " + p + " last step");
            int steps = x.dim(1);
            int batch = x.dim(0);
            int h = expected.dim(1);
            double[] lastOut = new double[batch * h];
            for (int n = 0; n < batch; n++) {
                System.arraycopy(out.output().data(), (n * steps + steps - 1) * h, lastOut, n * h, h);
            }
            Closeness.assertClose(expected, Tensor.ofDoubles(new int[] {batch, h}, lastOut), 1e-5, model + " " + p + " output");
        }
    }

    @Test
    void keras1PerGateWeightsAreJoinedInGateOrder() {
        RecurrentNetwork net = Networks.load(DIR.resolve("examples/simple_lstm/simple_lstm_th_keras_1_model.h5"));
        Tensor wIh = net.weights(0, false).wIh();
        float[][] wf;
        try (HdfFile h5 = new HdfFile(DIR.resolve("examples/simple_lstm/simple_lstm_th_keras_1_model.h5"))) {
            wf = (float[][]) h5.getDatasetByPath("model_weights/lstm_1/lstm_1_W_f").getData();
        }
        // PyTorch's forget gate is the second block of weight_ih; Keras 1 stores it as W_f (input, H).
        for (int j = 0; j < 50; j++) {
            assertEquals(wf[0][j], wIh.get(50 + j, 0), 0.0);
        }
        assertEquals(Activation.Kind.HARD_SIGMOID, net.config().options().forwardActivations().get(0).kind());
        assertEquals(0.2, net.config().options().forwardActivations().get(0).alpha(), 0.0);
    }

    @Test
    void bidirectionalLayerRecordsItsMergeMode() {
        RecurrentNetwork net = Networks.load(DIR.resolve("weights/bidirectional_lstm_tensorflow_2.h5"));
        assertTrue(net.config().bidirectional());
        assertEquals("concat", net.annotations().get("keras.merge_mode"));
        assertEquals(CellKind.LSTM, net.config().cell());
    }

    @Test
    void weightsOnlyFileWithoutConfigIsRefusedNamingTheConfigToAdd(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path alone = tmp.resolve("simple_rnn_weights.h5");
        Files.copy(DIR.resolve("examples/simple_rnn/simple_rnn_tf_keras_2_weights.h5"), alone);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.rnnport.ModelException.class, () -> Networks.load(alone));
        assertTrue(e.getMessage().contains("simple_rnn_config.json"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}

package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.UsageException;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A network with Keras's masking convention, run in ONNX Runtime: a padded tail is ONNX's
 * sequence lengths plus the forward direction repeating its last output, checked against the
 * native float64 engine; a mask with holes cannot be run there and says so.
 */
class KerasMaskingOnOrtTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    private static RecurrentNetwork keras(String gridCase) {
        RecurrentNetwork net = GridCase.named(gridCase).network();
        NetworkConfig c = net.config();
        return new RecurrentNetwork(c.withOptions(c.options().withMasking(Masking.KERAS)), net.weights());
    }

    @Test
    void aPaddedTailCarriesTheLastOutputInBothEngines() {
        for (String name : new String[] {"lstm_l2_bi_bf_h0_len", "gru_l2_bi_h0_len"}) {
            GridCase grid = GridCase.named(name);
            RecurrentNetwork net = keras(name);
            RunInputs in = grid.inputs();
            RunOutputs expected = new NativeEngine(Precision.FLOAT64).run(net, in);
            RunOutputs actual = ORT.backend().run(net, in, Precision.FLOAT32);
            Closeness.assertClose(expected.output(), actual.output(), 1e-5, name + " output");
            Closeness.assertClose(expected.hN(), actual.hN(), 1e-5, name + " h_n");
        }
    }

    @Test
    void aMaskWithAHoleIsRefusedNamingTheStep() {
        GridCase grid = GridCase.named("lstm_l1");
        RunInputs in = grid.inputs();
        int[] s = in.input().shape();
        double[] m = new double[s[1] * s[0]];
        java.util.Arrays.fill(m, 1);
        m[1] = 0;
        Tensor mask = Tensor.of(DType.F64, new int[] {s[1], s[0]}, m);
        UsageException e = assertThrows(UsageException.class,
                () -> ORT.backend().run(keras("lstm_l1"), in.withMask(mask), Precision.FLOAT32));
        assertTrue(e.getMessage().contains("sequence 0, step 1"), e.getMessage());
    }
}

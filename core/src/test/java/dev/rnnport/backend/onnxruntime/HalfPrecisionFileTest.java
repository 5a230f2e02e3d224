package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.UsageException;
import dev.rnnport.tensor.DType;
import dev.rnnport.format.onnx.GraphCase;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Half-precision ONNX files in ONNX Runtime, run as they are: float16 and bfloat16 initializers
 * cast to float before the LSTM (how compressed models ship) run and match the float64 reference
 * made from the rounded stored values; an LSTM computing in float16 throughout runs too, within
 * float16 rounding of the reference.
 */
class HalfPrecisionFileTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @ParameterizedTest
    @ValueSource(strings = {"lstm_fp16_cast.onnx", "lstm_bf16_cast.onnx"})
    void halfPrecisionInitializersRunAsIs(String file) {
        GraphCase c = GraphCase.named(file, "LSTM_0");
        RunOutputs out = ORT.backend().runFile(c.model(), null, c.inputs(), Precision.FLOAT32);
        Closeness.assertClose(c.npy("h_n.npy"), out.hN(), 1e-5, file + " h_n");
        Closeness.assertClose(c.npy("c_n.npy"), out.cN(), 1e-5, file + " c_n");
        Closeness.assertClose(c.npy("output.npy"), out.output().reshape(c.npy("output.npy").shape()), 1e-5, file + " output");
    }

    /**
     * ONNX Runtime 1.29's CPU provider has no float16 LSTM kernel but runs the node in float32
     * between Casts it inserts itself, so the file runs; its float16 inputs and outputs are
     * rounded (relative step 2^-11), hence the looser tolerance against the float64 reference.
     */
    @Test
    void aFloat16LstmRunsWithRoundedInputsAndOutputs() {
        GraphCase c = GraphCase.named("lstm_fp16.onnx", "LSTM_0");
        RunOutputs out = ORT.backend().runFile(c.model(), null, c.inputs(), Precision.FLOAT32);
        assertEquals(DType.F16, out.hN().dtype());
        Closeness.assertClose(c.npy("h_n.npy"), out.hN(), 5e-3, "h_n");
        Closeness.assertClose(c.npy("c_n.npy"), out.cN(), 5e-3, "c_n");
        UsageException e = assertThrows(UsageException.class,
                () -> ORT.backend().runFile(c.model(), null, c.inputs(), Precision.FLOAT64));
        assertTrue(e.getMessage().contains("float16 graph as is"), e.getMessage());
    }
}

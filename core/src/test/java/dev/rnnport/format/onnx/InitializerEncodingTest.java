package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX's test_lstm_with_peepholes with its fed weights (W, R, B, P) moved into initializers, stored
 * in each encoding ONNX allows for float and double: the typed fields float_data / double_data and
 * raw_data. The recorded outputs still apply, since float to double is exact.
 */
class InitializerEncodingTest {
    enum Encoding { FLOAT_DATA, DOUBLE_DATA, DOUBLE_RAW }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void weightsInEveryEncoding(Encoding enc) throws Exception {
        Path dir = ConformanceTest.ROOT.resolve("onnx-node/test_lstm_with_peepholes");
        OnnxCase c = new OnnxCase(dir);
        GraphProto.Builder g = c.model.getGraph().toBuilder();
        for (String name : new String[] {"W", "R", "B", "P"}) {
            g.addInitializer(encode(name, c.inputs.get(name), enc));
            for (int i = 0; i < g.getInputCount(); i++) {
                if (g.getInput(i).getName().equals(name)) {
                    g.removeInput(i);
                    break;
                }
            }
        }
        ModelProto m = c.model.toBuilder().setGraph(g).build();
        RecurrentNetwork net = OnnxReader.read(m, Map.of(), enc.name()).get(0).network();
        for (Precision p : Precision.values()) {
            RunOutputs out = new NativeEngine(p).run(net, c.runInputs());
            Closeness.assertClose(c.outputs.get("Y_h"), c.onnxOutput(out, 1, 1), 1e-5, enc + " " + p);
        }
    }

    private static TensorProto encode(String name, Tensor t, Encoding enc) {
        if (enc == Encoding.DOUBLE_RAW) {
            return OnnxTensors.toProto(name, t, TensorProto.DataType.DOUBLE_VALUE);
        }
        TensorProto.Builder p = TensorProto.newBuilder().setName(name);
        for (int d : t.shape()) {
            p.addDims(d);
        }
        if (enc == Encoding.FLOAT_DATA) {
            p.setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (double v : t.data()) {
                p.addFloatData((float) v);
            }
        } else {
            p.setDataType(TensorProto.DataType.DOUBLE_VALUE);
            for (double v : t.data()) {
                p.addDoubleData(v);
            }
        }
        return p.build();
    }
}

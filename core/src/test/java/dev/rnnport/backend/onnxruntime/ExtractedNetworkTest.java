package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.NetworkChoiceException;
import dev.rnnport.UsageException;
import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.onnx.GraphCase;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OnnxRuntimeBackend#runFile(Path, String, dev.rnnport.nn.RunInputs, Precision)}: one
 * network of a bigger graph (inside If branches, Loop and Scan bodies, with folded weights) cut
 * out with its own nodes and run by ONNX Runtime equals the native run of the network as rnnport
 * reads it and the float64 reference from ONNX's equations, in PyTorch's shapes; the same for the
 * stacked, bidirectional and batch_first networks of the torch.onnx.export grid against PyTorch.
 */
class ExtractedNetworkTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    static Stream<GraphCase> cases() {
        return GraphCase.all().stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void onnxRuntimeOnTheCutOutNetworkEqualsNative(GraphCase c) {
        RunOutputs ort = ORT.backend().runFile(c.model(), c.network(), c.inputs(), Precision.FLOAT32);
        RunOutputs nat = new NativeEngine(Precision.FLOAT32).run(c.load(), c.inputs());
        new Closeness(c.toString(), 1e-5).outputs("ONNX Runtime (extracted) vs native", nat, ort).check();
        Closeness.assertClose(c.npy("output.npy"), ort.output(), 1e-5, c + " output vs float64 reference");
        Closeness.assertClose(c.npy("h_n.npy"), ort.hN(), 1e-5, c + " h_n vs float64 reference");
    }

    @TestFactory
    Stream<DynamicTest> torchExportsCutOutByName() {
        return GridCase.tests(GridCase::hasOnnxExport, c -> {
            Path onnx = c.dir().resolve("model.onnx");
            String name = Networks.loadAll(onnx, LoadOptions.DEFAULTS).get(0).name();
            RunOutputs out = ORT.backend().runFile(onnx, name, c.inputs(), Precision.FLOAT32);
            new Closeness(c.name(), 1e-5).outputs("ONNX Runtime (extracted " + name + ") vs PyTorch", c.expected(), out).check();
        });
    }

    @Test
    void anUnknownNameListsTheNetworks() {
        Path f = GraphCase.ROOT.resolve("if_lstm.onnx");
        GraphCase c = GraphCase.named("if_lstm.onnx", "If_0/then_branch/LSTM_3");
        NetworkChoiceException e = assertThrows(NetworkChoiceException.class,
                () -> ORT.backend().runFile(f, "If_0/LSTM_3", c.inputs(), Precision.FLOAT32));
        assertEquals(java.util.List.of("If_0/else_branch/LSTM_7", "If_0/then_branch/LSTM_3"), e.found());
        assertTrue(e.getMessage().startsWith(f + ": no network named 'If_0/LSTM_3' (found: If_0/else_branch/LSTM_7,"
                + " If_0/then_branch/LSTM_3)"), e.getMessage());
    }

    @Test
    void aWholeFileWithExternalDataRunsAsIs() {
        GraphCase c = GraphCase.named("external/lstm.onnx", "LSTM_0");
        RunOutputs out = ORT.backend().runFile(c.model(), null, c.inputs(), Precision.FLOAT32);
        // As is: Y keeps the graph's [seq, directions, batch, hidden]; Y_h and Y_c are PyTorch's shapes already.
        Closeness.assertClose(c.npy("h_n.npy"), out.hN(), 1e-5, "h_n");
        Closeness.assertClose(c.npy("c_n.npy"), out.cN(), 1e-5, "c_n");
        Closeness.assertClose(c.npy("output.npy"), out.output().reshape(c.npy("output.npy").shape()), 1e-5, "output");
    }

    @Test
    void hostileExternalDataIsRefusedBeforeOnnxRuntimeSeesIt() {
        Path f = GraphCase.ROOT.resolve("hostile/escape.onnx");
        GraphCase c = GraphCase.named("external/lstm.onnx", "LSTM_0");
        ModelException e = assertThrows(ModelException.class, () -> ORT.backend().runFile(f, null, c.inputs(), Precision.FLOAT32));
        assertEquals(f + ": initializer 'R' in external file '../../etc/passwd': leaves the model's folder;"
                + " external data must be a file in the model's folder", e.getMessage());
        e = assertThrows(ModelException.class, () -> ORT.backend().runFile(f, "LSTM_0", c.inputs(), Precision.FLOAT32));
        assertTrue(e.getMessage().contains("leaves the model's folder"), e.getMessage());
    }

    @Test
    void float64IsRefusedForTheCutOutNetwork() {
        GraphCase c = GraphCase.named("loop_lstm.onnx", "Loop_0/body/LSTM_1");
        UsageException e = assertThrows(UsageException.class,
                () -> ORT.backend().runFile(c.model(), c.network(), c.inputs(), Precision.FLOAT64));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }
}

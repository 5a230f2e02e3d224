package dev.rnnport.format.onnx;

import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Recurrent nodes inside If branches, Loop and Scan bodies and nested subgraphs, with weights
 * folded from Unsqueeze/Reshape/Concat/Split/Transpose/Cast/Gather/Expand chains and outer-scope
 * initializers: every network is found under its path name and computes what numpy computed
 * from ONNX's equations in float64.
 */
class SubgraphTest {
    static Stream<GraphCase> cases() {
        return GraphCase.all().stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nativeRunMatchesTheFloat64Reference(GraphCase c) {
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(c.load(), c.inputs());
        assertClose(c.npy("output.npy"), out.output(), 1e-5, c + " output");
        assertClose(c.npy("h_n.npy"), out.hN(), 1e-5, c + " h_n");
        if (c.cell().equals("LSTM")) {
            assertClose(c.npy("c_n.npy"), out.cN(), 1e-5, c + " c_n");
        }
    }

    @Test
    void everyNetworkIsListedByItsPath() {
        // In the order of the file: onnx's helper writes else_branch before then_branch.
        assertEquals(List.of("If_0/else_branch/LSTM_7", "If_0/then_branch/LSTM_3"), names("if_lstm.onnx"));
        assertEquals(List.of("Loop_0/body/LSTM_1"), names("loop_lstm.onnx"));
        assertEquals(List.of("Scan_0/body/GRU_2"), names("scan_gru.onnx"));
        assertEquals(List.of("If_0/else_branch/RNN_5", "If_0/then_branch/Loop_1/body/LSTM_2"), names("nested.onnx"));
    }

    @Test
    void branchesKeepTheirOwnWeights() {
        var then = GraphCase.named("if_lstm.onnx", "If_0/then_branch/LSTM_3").load();
        var other = GraphCase.named("if_lstm.onnx", "If_0/else_branch/LSTM_7").load();
        assertTrue(!then.weights().get(0).wIh().equals(other.weights().get(0).wIh()));
    }

    @Test
    void severalNetworksNeedAChoice() {
        Path f = GraphCase.ROOT.resolve("if_lstm.onnx");
        UsageException e = assertThrows(UsageException.class, () -> dev.rnnport.Networks.load(f));
        assertTrue(e.getMessage().contains("If_0/else_branch/LSTM_7, If_0/then_branch/LSTM_3"), e.getMessage());
    }

    @Test
    void anOpTheFolderDoesNotEvaluateIsNamed() {
        String m = loadError("matmul_weights.onnx");
        assertTrue(m.contains("node 'LSTM_0' (LSTM): input W 'W' is computed in the graph and cannot be folded"), m);
        assertTrue(m.contains("node 'mm' (MatMul) computes 'W'"), m);
        assertEquals(1, m.lines().count());
    }

    @Test
    void aGraphInputOnTheWayIsNamed() {
        String m = loadError("input_weights.onnx");
        assertTrue(m.contains("depends on graph input 'scale' (read by node 'scale_W' (Mul))"), m);
    }

    @Test
    void aHugeExpandIsRefusedBeforeAllocating() {
        String m = loadError("huge_expand.onnx");
        assertTrue(m.contains("node 'expand_W' (Expand): its result of 13194139533312 values"), m);
        assertTrue(m.contains("refused before allocating"), m);
    }

    @Test
    void withoutRecurrentNodesTheOpsOfSubgraphsAreListedToo() {
        var branch = dev.rnnport.format.onnx.proto.Onnx.GraphProto.newBuilder().setName("b")
                .addNode(dev.rnnport.format.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("Gemm").addInput("x").addOutput("y"));
        var iff = dev.rnnport.format.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("If").addInput("c").addOutput("y")
                .addAttribute(GraphBuilder.graphAttr("then_branch", branch.build()))
                .addAttribute(GraphBuilder.graphAttr("else_branch", branch.build()));
        var model = dev.rnnport.format.onnx.proto.Onnx.ModelProto.newBuilder().setIrVersion(8)
                .setGraph(dev.rnnport.format.onnx.proto.Onnx.GraphProto.newBuilder().setName("g").addNode(iff)).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxReader.read(model, java.util.Map.of(), "m.onnx"));
        assertEquals("m.onnx: graph 'g' has no LSTM, GRU or RNN node (found only If; in its subgraphs only Gemm)", e.getMessage());
    }

    private static String loadError(String file) {
        Path f = GraphCase.ROOT.resolve(file);
        ModelException e = assertThrows(ModelException.class, () -> dev.rnnport.Networks.load(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        return e.getMessage();
    }

    private static List<String> names(String file) {
        return dev.rnnport.Networks.loadAll(GraphCase.ROOT.resolve(file), LoadOptions.DEFAULTS).stream().map(NamedNetwork::name).toList();
    }
}

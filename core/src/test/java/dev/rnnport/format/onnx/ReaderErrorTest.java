package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken files, made in a temporary folder from valid ones, each give one line that names the
 * file, the node and the attribute or tensor, with what was expected and what was found.
 */
class ReaderErrorTest {
    static final Path KERAS = ConformanceTest.ROOT.resolve("onnx2c/simple_networks/lstm_k1_b1_r1.onnx");

    @TempDir
    Path tmp;

    private ModelException readFails(Path file) {
        ModelException e = assertThrows(ModelException.class, () -> new OnnxReader().read(file));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    private Path save(String name, ModelProto m) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, m.toByteArray());
        return p;
    }

    private static void contains(ModelException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] all = Files.readAllBytes(KERAS);
        Path p = tmp.resolve("truncated.onnx");
        Files.write(p, Arrays.copyOf(all, all.length * 2 / 3));
        contains(readFails(p), "not a valid ONNX model", "truncated");
    }

    @Test
    void weightShapeContradictsHiddenSize() throws Exception {
        ModelProto m = OnnxFiles.readModel(KERAS);
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getName().equals("lstm_W")) {
                // 2 gate rows per unit instead of LSTM's 4: [1, 6, 5] against hidden_size 3.
                ByteString raw = t.hasRawData() ? t.getRawData().substring(0, 6 * 5 * 4) : null;
                TensorProto.Builder w = t.toBuilder().clearDims().addDims(1).addDims(6).addDims(5).clearFloatData();
                if (raw != null) {
                    w.setRawData(raw);
                } else {
                    w.addAllFloatData(t.getFloatDataList().subList(0, 30));
                }
                g.setInitializer(i, w);
            }
        }
        ModelException e = readFails(save("bad_w.onnx", m.toBuilder().setGraph(g).build()));
        contains(e, "node 'lstm' (LSTM)", "input W 'lstm_W'", "[1, 6, 5]", "expected [1, 12, 5]", "hidden_size 3");
    }

    @Test
    void unknownActivation() throws Exception {
        ModelProto m = OnnxFiles.readModel(KERAS);
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int a = 0; a < n.getAttributeCount(); a++) {
                if (n.getAttribute(a).getName().equals("activations")) {
                    n.setAttribute(a, AttributeProto.newBuilder(n.getAttribute(a)).setStrings(1,
                            ByteString.copyFrom("Swish", StandardCharsets.UTF_8)));
                }
            }
            g.setNode(i, n);
        }
        ModelException e = readFails(save("bad_activation.onnx", m.toBuilder().setGraph(g).build()));
        contains(e, "node 'lstm' (LSTM)", "attribute activations", "unknown activation 'Swish'", "known: Sigmoid");
    }

    @Test
    void noRecurrentNode() throws Exception {
        ModelProto m = OnnxFiles.readModel(KERAS);
        GraphProto.Builder g = m.getGraph().toBuilder().clearNode().addNode(m.getGraph().getNode(0));
        ModelException e = readFails(save("no_rnn.onnx", m.toBuilder().setGraph(g).build()));
        contains(e, "has no LSTM, GRU or RNN node", "found only Transpose");
    }

    @Test
    void unexpectedPermutationBetweenLayers() throws Exception {
        var net = OnnxOnlyFeaturesTest.network(OnnxOnlyFeaturesTest.config(CellKind.GRU, 2, true, false, 0,
                CellOptions.defaults(CellKind.GRU)), false, 3);
        ModelProto m = OnnxWriter.toModel(net, 14);
        GraphProto.Builder g = m.getGraph().toBuilder();
        String broken = null;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (broken == null && n.getOpType().equals("Transpose") && n.getAttribute(0).getIntsList().size() == 4) {
                // Hidden units before directions: the two directions would interleave.
                g.setNode(i, n.toBuilder().setAttribute(0, GraphBuilder.intsAttr("perm", 0, 2, 3, 1)));
                broken = n.getName();
            }
        }
        ModelException e = readFails(save("bad_perm.onnx", m.toBuilder().setGraph(g).build()));
        contains(e, "node 'GRU_l1' (GRU)", "input X", broken, "expected [seq, batch, directions*hidden]", "interleaved");
    }

    @Test
    void storedInitialState() throws Exception {
        ModelProto m = OnnxFiles.readModel(KERAS);
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.addInitializer(OnnxTensors.toProto("h_init", OrtRun.random(1, 1, 1, 3), TensorProto.DataType.FLOAT_VALUE));
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("LSTM")) {
                g.setNode(i, g.getNode(i).toBuilder().setInput(5, "h_init"));
            }
        }
        ModelException e = readFails(save("stored_h.onnx", m.toBuilder().setGraph(g).build()));
        contains(e, "node 'lstm' (LSTM)", "input initial_h 'h_init'", "non-zero");
    }
}

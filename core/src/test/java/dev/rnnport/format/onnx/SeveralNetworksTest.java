package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A graph holding two independent recurrent stacks yields two networks, named by their first nodes. */
class SeveralNetworksTest {
    @Test
    void twoIndependentStacks() {
        RecurrentNetwork a = OnnxOnlyFeaturesTest.network(OnnxOnlyFeaturesTest.config(CellKind.LSTM, 2, true, true, 0,
                CellOptions.defaults(CellKind.LSTM)), false, 1);
        RecurrentNetwork b = OnnxOnlyFeaturesTest.network(OnnxOnlyFeaturesTest.config(CellKind.GRU, 3, false, false, 0,
                CellOptions.defaults(CellKind.GRU)), false, 2);
        GraphProto ga = OnnxWriter.toModel(a, 14).getGraph();
        GraphProto gb = prefixed(OnnxWriter.toModel(b, 14).getGraph(), "second/");
        ModelProto both = OnnxWriter.toModel(a, 14).toBuilder().setGraph(ga.toBuilder().addAllNode(gb.getNodeList())
                .addAllInitializer(gb.getInitializerList()).addAllInput(gb.getInputList()).addAllOutput(gb.getOutputList())).build();
        List<NamedNetwork> nets = OnnxReader.read(both, Map.of(), "two stacks");
        assertEquals(2, nets.size());
        assertEquals("LSTM_l0", nets.get(0).name());
        assertEquals("second/GRU_l0", nets.get(1).name());
        Networks.assertSame(a, nets.get(0).network(), "first");
        Networks.assertSame(b, nets.get(1).network(), "second");
    }

    /** The same graph with every tensor and node name prefixed. */
    private static GraphProto prefixed(GraphProto g, String p) {
        GraphProto.Builder out = GraphProto.newBuilder().setName(p + g.getName());
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().setName(p + n.getName()).clearInput().clearOutput();
            n.getInputList().forEach(i -> nb.addInput(i.isEmpty() ? "" : p + i));
            n.getOutputList().forEach(o -> nb.addOutput(o.isEmpty() ? "" : p + o));
            out.addNode(nb);
        }
        for (TensorProto t : g.getInitializerList()) {
            out.addInitializer(t.toBuilder().setName(p + t.getName()));
        }
        for (ValueInfoProto v : g.getInputList()) {
            out.addInput(v.toBuilder().setName(p + v.getName()));
        }
        for (ValueInfoProto v : g.getOutputList()) {
            out.addOutput(v.toBuilder().setName(p + v.getName()));
        }
        return out.build();
    }
}

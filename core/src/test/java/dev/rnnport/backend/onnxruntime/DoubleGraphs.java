package dev.rnnport.backend.onnxruntime;

import dev.rnnport.format.onnx.OnnxTensors;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;

/**
 * Makes a float64 copy of a float32 ONNX model, the way a user would re-export a module after
 * {@code .double()}: every float tensor (initializers, Constant values), every declared float
 * value and every Cast to float becomes double. The values are the same float32 numbers, widened,
 * as in PyTorch's .double() copy of a float32 module.
 */
final class DoubleGraphs {
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;

    private DoubleGraphs() {
    }

    static ModelProto of(ModelProto model) {
        return model.toBuilder().setGraph(graph(model.getGraph())).build();
    }

    private static GraphProto graph(GraphProto g) {
        GraphProto.Builder b = g.toBuilder().clearInitializer().clearInput().clearOutput().clearValueInfo().clearNode();
        g.getInitializerList().forEach(t -> b.addInitializer(tensor(t)));
        g.getInputList().forEach(v -> b.addInput(value(v)));
        g.getOutputList().forEach(v -> b.addOutput(value(v)));
        g.getValueInfoList().forEach(v -> b.addValueInfo(value(v)));
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().clearAttribute();
            for (AttributeProto a : n.getAttributeList()) {
                AttributeProto.Builder ab = a.toBuilder();
                if (a.hasT()) {
                    ab.setT(tensor(a.getT()));
                }
                if (a.hasG()) {
                    ab.setG(graph(a.getG()));
                }
                if (n.getOpType().equals("Cast") && a.getName().equals("to") && a.getI() == FLOAT) {
                    ab.setI(DOUBLE);
                }
                nb.addAttribute(ab);
            }
            b.addNode(nb);
        }
        return b.build();
    }

    private static TensorProto tensor(TensorProto t) {
        if (t.getDataType() != FLOAT) {
            return t;
        }
        return OnnxTensors.toProto(t.getName(), OnnxTensors.toTensor(t, "tensor '" + t.getName() + "'"), DOUBLE);
    }

    private static ValueInfoProto value(ValueInfoProto v) {
        if (v.getType().getTensorType().getElemType() != FLOAT) {
            return v;
        }
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(DOUBLE);
        return b.build();
    }
}

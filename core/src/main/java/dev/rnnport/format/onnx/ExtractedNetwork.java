package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.NetworkChoiceException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.OperatorSetIdProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One network of an ONNX file cut out as a model of its own, so that another runtime runs exactly
 * the file's recurrent nodes, wherever they sit (inside an If branch, a Loop body) and however
 * their weights were stored.
 *
 * <p>The sub-model holds copies of the network's own LSTM/GRU/RNN nodes with every attribute the
 * file gives them (activations, clip, direction, linear_before_reset...), fed with their W, R, B
 * and P as the file's nodes read them after constant folding, in ONNX's layout as stored (not
 * converted through rnnport's IR), so a misreading of the file by rnnport's reader shows as a
 * difference between the two runs. Only {@code layout} is dropped: the copies are fed
 * time-major, which ONNX Runtime requires. Its interface is the one {@link OnnxWriter} writes:
 * inputs {@code input} (PyTorch's shape for the network's batch_first), {@code h0}, {@code c0}
 * (LSTM), outputs {@code output}, {@code h_n}, {@code c_n} in PyTorch's shapes; layers are chained
 * as torch.onnx.export chains them. Weights are float32 (ONNX Runtime's CPU kernels compute in
 * float32 only; float16 and bfloat16 values widen exactly). Opset 14.
 *
 * @param name    the network's name in the file (as {@code inspect} lists it)
 * @param network the network as rnnport reads it
 * @param model   the sub-model
 */
public record ExtractedNetwork(String name, RecurrentNetwork network, ModelProto model) {
    private static final int OPSET = 14;

    /**
     * The network {@code name} of {@code file}, or its only network when {@code name} is null.
     *
     * @throws NetworkChoiceException no network has that name, or the file holds several and none was named
     * @throws ModelException the file cannot be read
     */
    public static ExtractedNetwork of(Path file, String name) throws IOException {
        return of(OnnxFiles.readModel(file), name, file.toString(), ExternalData.besides(file));
    }

    /**
     * As {@link #of(Path, String)} for a model in memory; {@code source} names it in errors and
     * {@code external} says where tensors kept outside the model are read from.
     */
    public static ExtractedNetwork of(ModelProto model, String name, String source, ExternalData external) {
        List<NetworkAssembler.Found> all = OnnxReader.find(model, Map.of(), source, external);
        List<String> names = all.stream().map(NetworkAssembler.Found::name).toList();
        NetworkAssembler.Found found = null;
        if (name == null) {
            if (all.size() != 1) {
                throw new NetworkChoiceException(Path.of(source), names, null);
            }
            found = all.get(0);
        } else {
            for (NetworkAssembler.Found f : all) {
                if (f.name().equals(name)) {
                    found = f;
                }
            }
            if (found == null) {
                throw new NetworkChoiceException(Path.of(source), names, name);
            }
        }
        return new ExtractedNetwork(found.name(), found.network(), build(found));
    }

    private static ModelProto build(NetworkAssembler.Found found) {
        NetworkConfig cfg = found.network().config();
        GraphBuilder b = new GraphBuilder(OPSET, "extracted");
        int f = TensorProto.DataType.FLOAT_VALUE;
        int dirs = cfg.directions();
        boolean lstm = cfg.cell() == CellKind.LSTM;
        String x = OnnxWriter.interfaceInputs(b, cfg, f);
        List<String> hN = new ArrayList<>();
        List<String> cN = new ArrayList<>();
        List<RecurrentNode> layers = found.layers();
        for (int layer = 0; layer < layers.size(); layer++) {
            RecurrentNode n = layers.get(layer);
            String h0 = layers.size() == 1 ? "h0" : b.sliceRows("h0_l" + layer, "h0", (long) layer * dirs, (long) (layer + 1) * dirs);
            String c0 = !lstm ? "" : layers.size() == 1 ? "c0"
                    : b.sliceRows("c0_l" + layer, "c0", (long) layer * dirs, (long) (layer + 1) * dirs);
            String suffix = "_l" + layer;
            List<String> inputs = new ArrayList<>(List.of(x, weight(b, n, "W", suffix), weight(b, n, "R", suffix),
                    weight(b, n, "B", suffix), "", h0));
            if (lstm) {
                inputs.add(c0);
                String p = weight(b, n, "P", suffix);
                if (!p.isEmpty()) {
                    inputs.add(p);
                }
            }
            List<String> outputs = new ArrayList<>(List.of(b.fresh("Y" + suffix), b.fresh("Y_h" + suffix)));
            if (lstm) {
                outputs.add(b.fresh("Y_c" + suffix));
            }
            NodeProto.Builder copy = b.node(n.node.getOpType(), n.name, inputs, outputs);
            for (AttributeProto a : n.node.getAttributeList()) {
                if (!a.getName().equals("layout")) {
                    copy.addAttribute(a);
                }
            }
            b.add(copy);
            x = OnnxWriter.concatDirections(b, outputs.get(0), dirs, layer);
            hN.add(outputs.get(1));
            if (lstm) {
                cN.add(outputs.get(2));
            }
        }
        OnnxWriter.interfaceOutputs(b, cfg, f, x, hN, cN);
        return ModelProto.newBuilder()
                .setIrVersion(OnnxOpsets.irVersion(OPSET))
                .setProducerName("rnnport")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setDocString("network '" + found.name() + "' extracted: " + found.network())
                .setGraph(b.build())
                .build();
    }

    /** The node's folded weight for {@code slot} as a float32 initializer, or "" when the node has none. */
    private static String weight(GraphBuilder b, RecurrentNode n, String slot, String suffix) {
        Tensor t = n.onnxWeights.get(slot);
        if (t == null) {
            return "";
        }
        return b.initializer(slot + suffix, OnnxTensors.toProto("", t.as(DType.F32), TensorProto.DataType.FLOAT_VALUE));
    }
}

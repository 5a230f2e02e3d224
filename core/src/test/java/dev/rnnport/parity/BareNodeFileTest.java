package dev.rnnport.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.onnx.OnnxTensors;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.OperatorSetIdProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorShapeProto;
import dev.rnnport.format.onnx.proto.Onnx.TypeProto;
import dev.rnnport.format.onnx.proto.Onnx.ValueInfoProto;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.parity.ParityRow.Status;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.RandomNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bare bidirectional ONNX LSTM node, as ONNX's own tests and many exporters write it, gives Y as
 * [L, D, N, H]: run as is in ONNX Runtime it must still compare element by element with our reading
 * of it, whose output is PyTorch's (L, N, D*H).
 */
class BareNodeFileTest {
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    /** PyTorch's i,f,g,o blocks placed in ONNX's i,o,f,c order: ONNX block j is PyTorch block FROM[j]. */
    private static final int[] FROM = {0, 3, 1, 2};

    @TempDir
    Path tmp;

    @Test
    void yOfABareNodeIsMappedOntoPyTorchsOutput() throws Exception {
        int in = 3;
        int hidden = 4;
        RecurrentNetwork net = RandomNetworks.of(CellKind.LSTM, in, hidden, 1, true, false, true, 0, 31);
        Path file = tmp.resolve("bare.onnx");
        Files.write(file, bareNode(net, in, hidden).toByteArray());

        RecurrentNetwork read = Networks.load(file);
        List<Contender> runs = Contenders.forModel(file, ModelFormat.ONNX, read, List.of("onnxruntime"));
        try (Contender reference = Contenders.reference(read)) {
            ParityReport report = new Verifier(read, Tolerance.DEFAULT).check(file.toString(),
                    ParityInputs.random(read.config(), 5, 2, 4, false), reference, runs);
            ParityRow asIs = report.rows().stream().filter(r -> r.label().equals("onnxruntime (file as is)")).findFirst().orElseThrow();
            assertEquals(Status.PASS, asIs.status(), report::toTable);
            assertEquals("[5, 2, 8]", asIs.tensors().get(0).shapeString(), "Y [5, 2, 2, 4] compared as output (5, 2, 8)");
            assertTrue(asIs.tensors().get(0).maxAbs() > 0, "ONNX Runtime's float32 is not the float64 reference bit for bit");
        } finally {
            runs.forEach(Contender::close);
        }
    }

    /** {@code run} writes the same files in the same shapes on both backends for a bare node run as is. */
    @Test
    void runWritesABareNodesYInPyTorchsShapeOnEveryBackend() throws Exception {
        RecurrentNetwork net = RandomNetworks.of(CellKind.LSTM, 3, 4, 1, true, false, true, 0, 32);
        Path file = tmp.resolve("bare.onnx");
        Files.write(file, bareNode(net, 3, 4).toByteArray());
        Path input = tmp.resolve("x.npy");
        dev.rnnport.tensor.Npy.write(input, ParityInputs.random(net.config(), 5, 2, 7, false).inputs().input());
        java.util.Map<String, dev.rnnport.tensor.Tensor> byBackend = new java.util.HashMap<>();
        for (String backend : List.of("native", "onnxruntime")) {
            Path out = tmp.resolve(backend);
            java.io.StringWriter err = new java.io.StringWriter();
            int code = dev.rnnport.cli.Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
                    "run", file.toString(), "--backend", backend, "--input", input.toString(), "--out", out.toString());
            assertEquals(0, code, err.toString());
            byBackend.put(backend, dev.rnnport.tensor.Npy.read(out.resolve("output.npy")));
        }
        assertEquals("[5, 2, 8]", byBackend.get("onnxruntime").shapeString(), "Y [5, 2, 2, 4] written as output (5, 2, 8)");
        dev.rnnport.testing.Closeness.assertClose(byBackend.get("native"), byBackend.get("onnxruntime"), 1e-5, "output");
    }

    private static ModelProto bareNode(RecurrentNetwork net, int in, int hidden) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("bare");
        g.addInitializer(stacked("W", net, DirectionWeights::wIh, new int[] {2, 4 * hidden, in}));
        g.addInitializer(stacked("R", net, DirectionWeights::wHh, new int[] {2, 4 * hidden, hidden}));
        double[] b = new double[2 * 8 * hidden];
        for (int d = 0; d < 2; d++) {
            DirectionWeights w = net.weights(0, d == 1);
            System.arraycopy(onnxOrder(w.bIh()).data(), 0, b, d * 8 * hidden, 4 * hidden);
            System.arraycopy(onnxOrder(w.bHh()).data(), 0, b, d * 8 * hidden + 4 * hidden, 4 * hidden);
        }
        g.addInitializer(OnnxTensors.toProto("B", Tensor.of(DType.F32, new int[] {2, 8 * hidden}, b), FLOAT));
        g.addInput(value("X", "seq", "batch", in));
        g.addInput(value("initial_h", 2, "batch", hidden));
        g.addInput(value("initial_c", 2, "batch", hidden));
        g.addOutput(value("Y", "seq", 2, "batch", hidden));
        g.addOutput(value("Y_h", 2, "batch", hidden));
        g.addOutput(value("Y_c", 2, "batch", hidden));
        g.addNode(NodeProto.newBuilder().setOpType("LSTM").setName("lstm")
                .addAllInput(List.of("X", "W", "R", "B", "", "initial_h", "initial_c"))
                .addAllOutput(List.of("Y", "Y_h", "Y_c"))
                .addAttribute(AttributeProto.newBuilder().setName("hidden_size").setType(AttributeProto.AttributeType.INT).setI(hidden))
                .addAttribute(AttributeProto.newBuilder().setName("direction").setType(AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("bidirectional"))));
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14))
                .setGraph(g).build();
    }

    private static TensorProto stacked(String name, RecurrentNetwork net, Function<DirectionWeights, Tensor> which, int[] shape) {
        int per = shape[1] * shape[2];
        double[] v = new double[2 * per];
        for (int d = 0; d < 2; d++) {
            System.arraycopy(onnxOrder(which.apply(net.weights(0, d == 1))).data(), 0, v, d * per, per);
        }
        return OnnxTensors.toProto(name, Tensor.of(DType.F32, shape, v), FLOAT);
    }

    private static Tensor onnxOrder(Tensor t) {
        double[] v = new double[t.size()];
        int block = t.size() / 4;
        for (int j = 0; j < 4; j++) {
            System.arraycopy(t.data(), FROM[j] * block, v, j * block, block);
        }
        return Tensor.of(t.dtype(), t.shape(), v);
    }

    private static ValueInfoProto value(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof Integer i ? TensorShapeProto.Dimension.newBuilder().setDimValue(i)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
    }
}

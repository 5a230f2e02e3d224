package dev.rnnport.format.onnx;

import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One case in ONNX's backend-test layout: model.onnx with a single recurrent node, and
 * test_data_set_0/input_N.pb / output_N.pb holding the values of the graph's N-th input and output.
 * Translates between the node's ONNX shapes and the IR's PyTorch shapes.
 */
final class OnnxCase {
    final Path dir;
    final ModelProto model;
    final NodeProto node;
    final Map<String, Tensor> inputs = new LinkedHashMap<>();
    final Map<String, Tensor> outputs = new LinkedHashMap<>();

    OnnxCase(Path dir) throws IOException {
        this.dir = dir;
        this.model = OnnxFiles.readModel(dir.resolve("model.onnx"));
        this.node = model.getGraph().getNodeList().stream().filter(RecurrentNode::isRecurrent).findFirst().orElseThrow();
        Path data = dir.resolve("test_data_set_0");
        for (int i = 0; i < model.getGraph().getInputCount(); i++) {
            inputs.put(model.getGraph().getInput(i).getName(), OnnxFiles.readTensor(data.resolve("input_" + i + ".pb")));
        }
        for (int i = 0; i < model.getGraph().getOutputCount(); i++) {
            outputs.put(model.getGraph().getOutput(i).getName(), OnnxFiles.readTensor(data.resolve("output_" + i + ".pb")));
        }
    }

    static List<Path> all(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("model.onnx")).map(Path::getParent).sorted().toList();
        }
    }

    boolean batchMajor() {
        return OnnxGraph.intAttr(node, "layout", 0) == 1;
    }

    private Tensor input(int slot) {
        String name = OnnxGraph.input(node, slot);
        return name.isEmpty() ? null : inputs.get(name);
    }

    /** The node's X, initial_h, initial_c and sequence_lens as the IR's run inputs. */
    RunInputs runInputs() {
        Tensor x = input(0);
        Tensor h = input(5);
        Tensor c = input(6);
        Tensor lengths = input(4);
        RunInputs in = RunInputs.of(x);
        if (h != null) {
            in = in.withH0(batchMajor() ? swap01(h) : h);
        }
        if (c != null) {
            in = in.withC0(batchMajor() ? swap01(c) : c);
        }
        return lengths == null ? in : in.withLengths(lengths);
    }

    /** What the node's output {@code slot} (0 Y, 1 Y_h, 2 Y_c) holds, computed from the IR's results. */
    Tensor onnxOutput(RunOutputs out, int slot, int directions) {
        if (slot == 0) {
            Tensor y = out.output();
            int[] s = y.shape();
            int hidden = s[2] / directions;
            if (batchMajor()) {
                return y.reshape(s[0], s[1], directions, hidden);
            }
            // (L, N, D*H) -> (L, D, N, H)
            double[] v = new double[y.size()];
            for (int t = 0; t < s[0]; t++) {
                for (int n = 0; n < s[1]; n++) {
                    for (int d = 0; d < directions; d++) {
                        System.arraycopy(y.data(), (t * s[1] + n) * s[2] + d * hidden, v,
                                ((t * directions + d) * s[1] + n) * hidden, hidden);
                    }
                }
            }
            return Tensor.of(y.dtype(), new int[] {s[0], directions, s[1], hidden}, v);
        }
        Tensor state = slot == 1 ? out.hN() : out.cN();
        return batchMajor() ? swap01(state) : state;
    }

    /** (A, B, C) -> (B, A, C). */
    static Tensor swap01(Tensor t) {
        int[] s = t.shape();
        double[] v = new double[t.size()];
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                System.arraycopy(t.data(), (a * s[1] + b) * s[2], v, (b * s[0] + a) * s[2], s[2]);
            }
        }
        return Tensor.of(t.dtype() == DType.F64 ? DType.F64 : DType.F32, new int[] {s[1], s[0], s[2]}, v);
    }
}

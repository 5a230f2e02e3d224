package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ONNX's own LSTM/GRU/RNN cases (testmodels/onnx: ONNX's backend node tests and onnx2c's LSTM
 * cases, each a model.onnx with test_data_set_0/input_N.pb and output_N.pb): every model is run
 * as is through {@link OnnxRuntimeBackend#runGraph}, fed its recorded inputs by position, and must
 * give the recorded outputs within 1e-5. This checks the runtime plumbing (element types,
 * shapes, optional inputs, output order) against data from ONNX's reference implementation.
 *
 * <p>Cases with layout=1 (batch-major) cannot run: ONNX Runtime's CPU kernels refuse them. For
 * those the test checks that ONNX Runtime itself still refuses them (so the refusal is a fact, not
 * ours) and that the backend says so in one clear line.
 */
class OnnxConformanceTest {
    private static final Path ROOT = Path.of("testmodels", "onnx");
    private static final Pattern NUMBERED = Pattern.compile("(input|output)_(\\d+)\\.pb");
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @TestFactory
    Stream<DynamicTest> everyConformanceModel() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.walk(ROOT, FileVisitOption.FOLLOW_LINKS)) {
            cases = s.filter(p -> p.getFileName().toString().equals("model.onnx"))
                    .filter(p -> Files.isDirectory(p.resolveSibling("test_data_set_0")))
                    .sorted().toList();
        }
        assertTrue(cases.size() >= 20, "expected ONNX's node tests and onnx2c's cases under " + ROOT.toAbsolutePath()
                + ", found " + cases.size() + " models with test data");
        return cases.stream().map(m -> DynamicTest.dynamicTest(ROOT.relativize(m.getParent()).toString(), () -> check(m)));
    }

    private static void check(Path model) throws IOException {
        Path data = model.resolveSibling("test_data_set_0");
        List<Tensor> inputs = numbered(data, "input");
        List<Tensor> expected = numbered(data, "output");
        if (batchwise(model)) {
            assertOnnxRuntimeRefuses(model);
            ModelException e = assertThrows(ModelException.class, () -> ORT.backend().runGraph(model, inputs));
            assertTrue(e.getMessage().contains("layout=1") && e.getMessage().contains("ONNX Runtime"), e.getMessage());
            assertTrue(e.getMessage().startsWith(model.toString()) && !e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        List<Tensor> actual = new ArrayList<>(ORT.backend().runGraph(model, inputs).values());
        assertEquals(expected.size(), actual.size(), "graph outputs");
        Closeness close = new Closeness(model.getParent().getFileName().toString(), 1e-5);
        for (int i = 0; i < expected.size(); i++) {
            close.tensor("output_" + i, expected.get(i), actual.get(i));
        }
        close.check();
    }

    /**
     * A node test feeds the weights as graph inputs, so running it from --input/--h0/--c0 is
     * impossible; the message says why and lists what the graph takes.
     */
    @Test
    void weightsAsGraphInputsCannotBeFedFromRunInputs() throws IOException {
        Path model = ROOT.resolve("onnx-node/test_lstm_defaults/model.onnx");
        Tensor x = TensorProtos.read(model.resolveSibling("test_data_set_0/input_0.pb"));
        ModelException e = assertThrows(ModelException.class,
                () -> ORT.backend().runFile(model, RunInputs.of(x), Precision.FLOAT32));
        assertEquals(model + ": graph inputs W, R are weights of a recurrent node, which"
                + " --input/--h0/--c0/--lengths cannot feed (graph inputs: X float[1, 3, 2], W float[1, 12, 2],"
                + " R float[1, 12, 3])", e.getMessage());
    }

    /** input_0.pb, input_1.pb, ... in numeric order. */
    private static List<Tensor> numbered(Path dir, String kind) throws IOException {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path f = dir.resolve(kind + "_" + i + ".pb");
            if (!Files.exists(f)) {
                break;
            }
            out.add(TensorProtos.read(f));
        }
        try (Stream<Path> s = Files.list(dir)) {
            long all = s.map(p -> NUMBERED.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).filter(m -> m.group(1).equals(kind)).count();
            assertEquals(all, out.size(), dir + ": " + kind + " files are not numbered from 0 without gaps");
        }
        return out;
    }

    /** True when a recurrent node of the model has layout=1, read from the file independently of the backend. */
    private static boolean batchwise(Path model) {
        try {
            for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getNodeList()) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("layout") && a.getI() == 1) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOnnxRuntimeRefuses(Path model) throws IOException {
        OrtEnvironment env = OrtEnv.get();
        OrtException e = assertThrows(OrtException.class, () -> {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                 OrtSession s = env.createSession(Files.readAllBytes(model), o)) {
                Map<String, ?> ignored = s.getInputInfo();
            }
        }, "ONNX Runtime now loads layout=1 recurrent nodes; the backend's refusal of them is out of date");
        assertTrue(e.getMessage().contains("layout == 1"), e.getMessage());
    }
}

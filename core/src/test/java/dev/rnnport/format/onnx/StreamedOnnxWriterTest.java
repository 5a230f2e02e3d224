package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.safetensors.SafetensorsReader;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The ONNX writer streams a model to its file, each recurrent weight's bytes made from the
 * network as they are written. The file must be what protobuf itself serializes for the whole
 * model in memory, byte for byte (every kind of graph, float32 and float64 weights, the opsets
 * whose initializers are also graph inputs and those whose are not), protobuf must parse it back
 * to that model, and ONNX Runtime must run it to PyTorch's own results.
 */
class StreamedOnnxWriterTest {
    @TempDir
    Path tmp;

    @Test
    void streamedFileIsProtobufsOwnSerialization() throws Exception {
        int written = 0;
        for (Arguments a : OnnxOnlyFeaturesTest.networks().toList()) {
            String name = (String) a.get()[0];
            NetworkConfig cfg = (NetworkConfig) a.get()[1];
            RecurrentNetwork net = OnnxOnlyFeaturesTest.network(cfg, (Boolean) a.get()[2], 5);
            for (int opset : new int[] {cfg.projSize() > 0 ? 9 : 7, 14, 22}) {
                for (DType dtype : List.of(DType.F32, DType.F64)) {
                    String what = name + " opset " + opset + " " + dtype;
                    Path f = tmp.resolve("m" + written++ + ".onnx");
                    new OnnxWriter().write(net, f, new WriteOptions(opset, false, dtype));
                    byte[] streamed = Files.readAllBytes(f);
                    ModelProto inMemory = OnnxWriter.toModel(net, opset, false, dtype == DType.F64);
                    assertArrayEquals(inMemory.toByteArray(), streamed, what);
                    assertEquals(inMemory, ModelProto.parseFrom(streamed), what);
                    long params = net.weights().stream().flatMap(d -> java.util.stream.Stream.of(d.wIh(), d.wHh(), d.bIh(),
                            d.bHh(), d.wHr(), d.peephole())).filter(java.util.Objects::nonNull).mapToLong(Tensor::size).sum();
                    assertTrue(streamed.length > params * dtype.bytes(), what + ": every weight in the file");
                }
            }
        }
    }

    /**
     * The demo network as the safetensors reader gives it (float32 held as floats) and as doubles:
     * the same file; ONNX Runtime runs it to PyTorch's outputs (testmodels/demo, made by PyTorch).
     */
    @Test
    void networkHeldAsFloatsStreamsToTheFilePyTorchAgreesWith() throws Exception {
        Path demo = Path.of("testmodels", "demo");
        RecurrentNetwork floats = new SafetensorsReader().read(demo.resolve("lstm.safetensors")).get(0).network();
        Path a = tmp.resolve("floats.onnx");
        new OnnxWriter().write(floats, a, WriteOptions.DEFAULTS);
        Path b = tmp.resolve("doubles.onnx");
        new OnnxWriter().write(asDoubles(floats), b, WriteOptions.DEFAULTS);
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));

        RunInputs in = RunInputs.of(Npy.read(demo.resolve("input.npy")));
        RunOutputs expected = new RunOutputs(Npy.read(demo.resolve("expected_output.npy")),
                Npy.read(demo.resolve("expected_h_n.npy")), Npy.read(demo.resolve("expected_c_n.npy")));
        Map<String, Tensor> ort = OrtRun.run(Files.readAllBytes(a), Networks.feeds(floats, in));
        new Closeness("demo", 1e-5).outputs("ONNX Runtime vs PyTorch", expected, Networks.ortOutputs(ort, expected)).check();
    }

    /** The same network with every tensor held as doubles. */
    private static RecurrentNetwork asDoubles(RecurrentNetwork net) {
        List<DirectionWeights> w = new ArrayList<>();
        for (DirectionWeights d : net.weights()) {
            w.add(new DirectionWeights(copy(d.wIh()), copy(d.wHh()), copy(d.bIh()), copy(d.bHh()), copy(d.wHr()),
                    copy(d.peephole())));
        }
        return new RecurrentNetwork(net.config(), w, net.annotations());
    }

    private static Tensor copy(Tensor t) {
        return t == null ? null : Tensor.of(t.dtype(), t.shape(), t.data().clone());
    }
}

package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX → IR → ONNX: what the writer makes reads back as the same network, and ONNX Runtime runs
 * it to the native engine's results. Sequence lengths are left out of these runs because the
 * written model takes none (see {@link OnnxWriter}).
 */
class RoundTripTest {
    static Stream<Path> conformance() throws Exception {
        return ConformanceTest.cases();
    }

    static Stream<Path> grid() throws Exception {
        return GridCase.all().stream().map(GridCase::dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformance")
    void conformanceCase(Path dir) throws Exception {
        OnnxCase c = new OnnxCase(dir);
        RecurrentNetwork net = OnnxReader.read(c.model, c.inputs, dir.toString()).get(0).network();
        RunInputs in = c.runInputs().withLengths(null);
        roundTrip(net, in, dir.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void gridCase(Path dir) throws Exception {
        GridCase c = GridCase.read(dir);
        RecurrentNetwork net;
        if (c.hasOnnxExport()) {
            net = new OnnxReader().read(dir.resolve("model.onnx")).get(0).network();
        } else {
            // torch.onnx.export refuses proj_size: the state dict is the source.
            net = c.network();
        }
        roundTrip(net, c.inputs().withLengths(null), dir.toString());
    }

    static Stream<Path> gridWithLengths() throws Exception {
        return GridCase.all().stream().filter(GridCase::hasLengths).map(GridCase::dir);
    }

    /** With the optional lengths input, ONNX Runtime reproduces PyTorch's packed-sequence results. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gridWithLengths")
    void gridCaseWithLengths(Path dir) throws Exception {
        GridCase c = GridCase.read(dir);
        RecurrentNetwork net = c.network();
        RunInputs in = c.inputs();
        Map<String, Tensor> feeds = new java.util.LinkedHashMap<>(Networks.feeds(net, in));
        feeds.put("lengths", in.lengths().as(dev.rnnport.tensor.DType.I64));
        ModelProto written = OnnxWriter.toModel(net, 0, true);
        Networks.assertSame(net, OnnxReader.read(written, Map.of(), dir + " (written)").get(0).network(), dir.toString());
        Map<String, Tensor> ort = OrtRun.run(written.toByteArray(), feeds);
        RunOutputs torch = c.expected();
        new Closeness(dir.toString(), 1e-5).outputs("ONNX Runtime with lengths vs PyTorch", torch, Networks.ortOutputs(ort, torch))
                .check();
        RunOutputs nat = new NativeEngine(Precision.FLOAT32).run(net, in);
        new Closeness(dir.toString(), 1e-5).outputs("ONNX Runtime with lengths vs native", nat, Networks.ortOutputs(ort, nat))
                .check();
    }

    static void roundTrip(RecurrentNetwork net, RunInputs in, String what) throws Exception {
        ModelProto written = OnnxWriter.toModel(net, 0);
        List<NamedNetwork> back = OnnxReader.read(written, Map.of(), what + " (written)");
        assertEquals(1, back.size());
        Networks.assertSame(net, back.get(0).network(), what);
        assertEquals(written, OnnxWriter.toModel(back.get(0).network(), 0), what + ": written twice alike");
        Map<String, Tensor> ort = OrtRun.run(written.toByteArray(), Networks.feeds(net, in));
        RunOutputs nat = new NativeEngine(Precision.FLOAT32).run(net, in);
        new Closeness(what, 1e-5).outputs("ONNX Runtime vs native", nat, Networks.ortOutputs(ort, nat)).check();
    }
}

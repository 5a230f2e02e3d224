package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX writer's options: float64 weights kept as float64 when asked (and the note that says
 * when they are rounded), and weights written to an external data file that Debian's onnx loads.
 */
class WriteOptionsOnnxTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** A float64 network whose weights float32 cannot hold: each value of the case plus 1e-9. */
    static RecurrentNetwork float64Network() {
        RecurrentNetwork n = GraphCase.named("loop_lstm.onnx", "Loop_0/body/LSTM_1").load();
        List<DirectionWeights> w = new ArrayList<>();
        for (DirectionWeights d : n.weights()) {
            w.add(new DirectionWeights(nudge(d.wIh()), nudge(d.wHh()), nudge(d.bIh()), nudge(d.bHh()), null, null));
        }
        return new RecurrentNetwork(n.config(), w);
    }

    private static Tensor nudge(Tensor t) {
        double[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += 1e-9;
        }
        return Tensor.of(DType.F64, t.shape(), v);
    }

    @Test
    void float64IsKeptWhenAsked(@TempDir Path tmp) throws Exception {
        RecurrentNetwork net = float64Network();
        Path f = tmp.resolve("f64.onnx");
        dev.rnnport.Networks.save(net, f, ModelFormat.ONNX, new WriteOptions(0, false, DType.F64));
        RecurrentNetwork back = dev.rnnport.Networks.load(f);
        assertEquals(DType.F64, back.weights().get(0).wIh().dtype());
        for (int i = 0; i < net.weights().size(); i++) {
            assertEquals(net.weights().get(i).wIh(), back.weights().get(i).wIh());
            assertEquals(net.weights().get(i).bHh(), back.weights().get(i).bHh());
        }
        assertNull(OnnxWriter.roundingNote(net, new WriteOptions(0, false, DType.F64)));
        Tensor x = GraphCase.named("loop_lstm.onnx", "Loop_0/body/LSTM_1").npy("input.npy").as(DType.F64);
        RunOutputs a = new NativeEngine(Precision.FLOAT64).run(net, RunInputs.of(x));
        RunOutputs b = new NativeEngine(Precision.FLOAT64).run(back, RunInputs.of(x));
        assertEquals(a.output(), b.output());
        checkInPython(f, "m.graph.initializer[0].data_type == onnx.TensorProto.DOUBLE");
    }

    @Test
    void float64IsRoundedByDefaultAndSaysSo(@TempDir Path tmp) {
        RecurrentNetwork net = float64Network();
        assertEquals("note: float64 weights written as float32; use --dtype float64 to keep them",
                OnnxWriter.roundingNote(net, WriteOptions.DEFAULTS));
        Path f = tmp.resolve("f32.onnx");
        dev.rnnport.Networks.save(net, f, ModelFormat.ONNX, WriteOptions.DEFAULTS);
        RecurrentNetwork back = dev.rnnport.Networks.load(f);
        assertEquals(DType.F32, back.weights().get(0).wIh().dtype());
        assertNotEquals(net.weights().get(0).wIh().data()[0], back.weights().get(0).wIh().data()[0]);
    }

    @Test
    void externalDataIsWrittenBesideTheModel(@TempDir Path tmp) throws Exception {
        GraphCase c = GraphCase.named("loop_lstm.onnx", "Loop_0/body/LSTM_1");
        RecurrentNetwork net = c.load();
        Path f = tmp.resolve("lstm.onnx");
        dev.rnnport.Networks.save(net, f, ModelFormat.ONNX, new WriteOptions(0, true, null));
        assertTrue(Files.size(tmp.resolve("lstm.onnx.data")) > 0);
        var model = OnnxFiles.readModel(f);
        assertTrue(model.getGraph().getInitializerList().stream().anyMatch(ExternalData::isExternal));
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(dev.rnnport.Networks.load(f), c.inputs());
        Closeness.assertClose(c.npy("output.npy"), out.output(), 1e-5, "output");
        // Debian's onnx loads the data file and its checker accepts the model.
        checkInPython(f, "onnx.numpy_helper.to_array(m.graph.initializer[0]).size > 0");
    }

    /** onnx.load + checker with full_check on {@code model}, and {@code condition} about m holds. */
    private static void checkInPython(Path model, String condition) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "skipped: no /usr/bin/python3");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import onnx").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: /usr/bin/python3 cannot import onnx (apt-get install python3-onnx)");
        String script = "import sys, onnx, onnx.numpy_helper\n"
                + "m = onnx.load(sys.argv[1])\n"
                + "onnx.checker.check_model(m, full_check=True)\n"
                + "assert " + condition + "\n"
                + "print('ok')\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, model.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals("ok", log.strip(), log);
    }
}

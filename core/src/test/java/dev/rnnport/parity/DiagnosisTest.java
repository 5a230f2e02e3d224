package dev.rnnport.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.cli.Main;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionKernel;
import dev.rnnport.nn.DirectionPass;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NaiveKernel;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.parity.ParityRow.Status;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.RandomNetworks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files broken the way converters break them — gates in another format's order, directions
 * swapped, biases mishandled, GRU linear_before_reset flipped, hard_sigmoid, batch_first — are
 * verified as they are against the correct network's outputs ({@code --against}); the diagnosis
 * must name the mistake that was made. The mistakes are made here by hand, on the IR, and written
 * with the real writers.
 */
class DiagnosisTest {
    @TempDir
    Path tmp;

    record Verified(int code, String out) {
    }

    /** Writes {@code broken} as {@code format}, records {@code correct}'s outputs, verifies the file against them. */
    private Verified verifyBroken(RecurrentNetwork correct, RecurrentNetwork broken, ModelFormat format, String ext,
                                  String backends) throws Exception {
        Path file = tmp.resolve("broken." + ext);
        Networks.save(broken, file, format, WriteOptions.DEFAULTS);
        ParityInputs in = ParityInputs.random(correct.config(), 5, 3, 11, false);
        RunOutputs truth = new NativeEngine(Precision.FLOAT64).run(correct, in.inputs());
        Path rec = Files.createDirectories(tmp.resolve("recorded"));
        Npy.write(tmp.resolve("input.npy"), in.inputs().input());
        Npy.write(tmp.resolve("h0.npy"), in.inputs().h0());
        Npy.write(rec.resolve("output.npy"), truth.output());
        Npy.write(rec.resolve("h_n.npy"), truth.hN());
        List<String> args = new ArrayList<>(List.of("verify", file.toString(), "--input", tmp.resolve("input.npy").toString(),
                "--h0", tmp.resolve("h0.npy").toString(), "--against", rec.toString(), "--backends", backends));
        if (truth.cN() != null) {
            Npy.write(tmp.resolve("c0.npy"), in.inputs().c0());
            Npy.write(rec.resolve("c_n.npy"), truth.cN());
            args.addAll(List.of("--c0", tmp.resolve("c0.npy").toString()));
        }
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        return new Verified(code, out.toString());
    }

    private static void assertDiagnosed(Verified v, String where, String cause) {
        assertEquals(Main.PARITY_FAILURE, v.code(), v.out());
        String line = v.out().lines().filter(l -> l.startsWith("  recorded (")).findFirst()
                .orElseThrow(() -> new AssertionError("no diagnosis:\n" + v.out()));
        assertTrue(line.contains(where), "where: " + where + "\n" + v.out());
        assertTrue(line.contains("matches if " + cause), "cause: " + cause + "\n" + v.out());
    }

    // ---- mistakes, made by hand

    /** Each direction's gate blocks rearranged: new block j is old block from[j]. */
    static RecurrentNetwork gatesReordered(RecurrentNetwork net, int[] from, int onlyLayer, int onlyDirection) {
        NetworkConfig c = net.config();
        List<DirectionWeights> ws = new ArrayList<>();
        for (int i = 0; i < net.weights().size(); i++) {
            DirectionWeights w = net.weights().get(i);
            boolean hit = (onlyLayer < 0 || i / c.directions() == onlyLayer) && (onlyDirection < 0 || i % c.directions() == onlyDirection);
            ws.add(hit ? new DirectionWeights(rows(w.wIh(), from), rows(w.wHh(), from), rows(w.bIh(), from), rows(w.bHh(), from),
                    w.wHr(), w.peephole()) : w);
        }
        return new RecurrentNetwork(c, ws);
    }

    private static Tensor rows(Tensor t, int[] from) {
        if (t == null) {
            return null;
        }
        double[] v = new double[t.size()];
        int block = t.size() / from.length;
        for (int j = 0; j < from.length; j++) {
            System.arraycopy(t.data(), from[j] * block, v, j * block, block);
        }
        return Tensor.of(t.dtype(), t.shape(), v);
    }

    static RecurrentNetwork eachDirection(RecurrentNetwork net, UnaryOperator<DirectionWeights> change) {
        return new RecurrentNetwork(net.config(), net.weights().stream().map(change).toList());
    }

    // ---- the cases

    @Test
    void lstmGatesLeftInPyTorchOrderInsideAnOnnxFile() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.LSTM, 4, 6, 2, true, false, true, 0, 1);
        // The file's blocks hold i,o,f,g where ONNX's reader expects its own i,o,f,c: read back as PyTorch's
        // i,f,g,o, the network's blocks are i,o,f,g.
        RecurrentNetwork broken = gatesReordered(correct, new int[] {0, 3, 1, 2}, -1, -1);
        Verified v = verifyBroken(correct, broken, ModelFormat.ONNX, "onnx", "onnxruntime");
        assertDiagnosed(v, "in the final output", "the gate blocks are read as i,o,f,g instead of i,f,g,o (ONNX's order i,o,f,c)");
        assertTrue(v.out().lines().anyMatch(l -> l.startsWith("onnxruntime (file as is)") && l.endsWith("pass")),
                "ONNX Runtime reads the broken file as we do:\n" + v.out());
    }

    @Test
    void gruGatesInKerasOrderInsideAPtFile() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.GRU, 3, 5, 1, false, false, true, 0, 2);
        RecurrentNetwork broken = gatesReordered(correct, new int[] {1, 0, 2}, -1, -1);
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.PT, "pt", "native"), "layer 0, from step 0",
                "the gate blocks are read as z,r,n instead of r,z,n (ONNX's and Keras's order z,r,h)");
    }

    @Test
    void oneDirectionOfOneLayerWithTf1GateOrder() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.LSTM, 3, 4, 2, true, true, true, 0, 3);
        RecurrentNetwork broken = gatesReordered(correct, new int[] {0, 2, 1, 3}, 1, 1);
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.PT, "pt", "native"), "reverse direction, from step 4",
                "the gate blocks are read as i,g,f,o instead of i,f,g,o (TF1 LSTMCell/BlockLSTM's order i,c,f,o), in layer 1 reverse direction only");
    }

    @Test
    void directionsSwappedInAPtFile() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.LSTM, 3, 4, 1, true, false, true, 0, 4);
        List<DirectionWeights> ws = List.of(correct.weights(0, true), correct.weights(0, false));
        RecurrentNetwork broken = new RecurrentNetwork(correct.config(), ws);
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.PT, "pt", "native"), "layer 0, both directions",
                "the forward and reverse directions are swapped");
    }

    @Test
    void summedBiasStoredTwiceInSafetensors() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.LSTM, 3, 4, 1, false, false, true, 0, 5);
        RecurrentNetwork broken = eachDirection(correct, w -> {
            double[] sum = w.bIh().data().clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w.bHh().data()[i];
            }
            Tensor s = Tensor.of(w.bIh().dtype(), w.bIh().shape(), sum);
            return new DirectionWeights(w.wIh(), w.wHh(), s, s, null, null);
        });
        // Only the sum of the two biases reaches an LSTM's gates: leaving one out of the doubled file restores it.
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.SAFETENSORS, "safetensors", "native"), "layer 0",
                "bias_hh is left out");
    }

    @Test
    void gruWrittenWithoutLinearBeforeResetToOnnx() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.GRU, 3, 5, 1, false, false, true, 0, 6);
        NetworkConfig c = correct.config();
        RecurrentNetwork broken = new RecurrentNetwork(c.withOptions(c.options().withLinearBeforeReset(false)), correct.weights());
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.ONNX, "onnx", "onnxruntime"), "layer 0",
                "linear_before_reset is 1 instead of 0");
    }

    @Test
    void hardSigmoidGatesInAnOnnxFile() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.LSTM, 3, 4, 1, false, false, true, 0, 7);
        NetworkConfig c = correct.config();
        List<Activation> hard = List.of(Activation.of(Activation.Kind.HARD_SIGMOID), Activation.TANH, Activation.TANH);
        RecurrentNetwork broken = new RecurrentNetwork(c.withOptions(c.options().withActivations(hard, hard)), correct.weights());
        assertDiagnosed(verifyBroken(correct, broken, ModelFormat.ONNX, "onnx", "onnxruntime"), "layer 0",
                "the gates use sigmoid instead of hard_sigmoid");
    }

    @Test
    void batchFirstLostOnTheWay() throws Exception {
        RecurrentNetwork correct = RandomNetworks.of(CellKind.GRU, 3, 4, 1, false, true, true, 0, 8);
        RecurrentNetwork broken = new RecurrentNetwork(correct.config().withBatchFirst(false), correct.weights());
        Path file = tmp.resolve("bf.safetensors");
        Networks.save(broken, file, ModelFormat.SAFETENSORS, WriteOptions.DEFAULTS);
        ParityInputs in = ParityInputs.random(correct.config(), 5, 3, 12, false);
        RunOutputs truth = new NativeEngine(Precision.FLOAT64).run(correct, RunInputs.of(in.inputs().input()));
        Contender recorded = Contender.fixed("recorded", x -> truth, null);
        ParityReport report = new Verifier(Networks.load(file), Tolerance.DEFAULT)
                .check(file.toString(), ParityInputs.given(RunInputs.of(in.inputs().input())), Contenders.reference(Networks.load(file)),
                        List.of(recorded));
        ParityRow row = report.rows().get(0);
        assertEquals(Status.FAIL, row.status());
        assertNotNull(row.diagnosis().cause(), row.diagnosis().summary());
        assertTrue(row.diagnosis().cause().startsWith("the input is read with batch_first=true"), row.diagnosis().summary());
    }

    /** Outputs recorded from a Keras model (masked steps repeat the last output) checked against a PyTorch file (zeros). */
    @Test
    void kerasMaskingTakenForZeroPadding() throws Exception {
        RecurrentNetwork pyTorchFile = RandomNetworks.of(CellKind.GRU, 3, 4, 1, false, true, true, 0, 10);
        NetworkConfig c = pyTorchFile.config();
        RecurrentNetwork keras = new RecurrentNetwork(c.withOptions(c.options().withMasking(dev.rnnport.nn.Masking.KERAS)),
                pyTorchFile.weights());
        Path file = tmp.resolve("gru.pt");
        Networks.save(pyTorchFile, file, ModelFormat.PT, WriteOptions.DEFAULTS);
        RunInputs in = ParityInputs.random(c, 6, 3, 13, true).inputs().withH0(null);
        RunOutputs truth = new NativeEngine(Precision.FLOAT64).run(keras, in);
        RecurrentNetwork read = Networks.load(file);
        ParityReport report = new Verifier(read, Tolerance.DEFAULT).check(file.toString(), ParityInputs.given(in),
                Contenders.reference(read), List.of(Contender.fixed("recorded from Keras", x -> truth, null)));
        Diagnosis d = report.rows().get(0).diagnosis();
        assertNotNull(d, report.toTable());
        assertEquals("masked steps repeat the previous output (Keras masking) instead of giving zeros (padding)", d.cause(), d.summary());
    }

    /**
     * An engine that mishandles one layer is localised by running layer by layer: a kernel that swaps the
     * forget and output gates of reverse passes over a layer whose input is two directions wide (layer 1).
     */
    @Test
    void anEngineWrongInOneLayerIsFoundLayerByLayer() {
        RecurrentNetwork net = RandomNetworks.of(CellKind.LSTM, 3, 4, 2, true, false, true, 0, 9);
        DirectionKernel naive = new NaiveKernel();
        DirectionKernel wrongInLayer1Reverse = p -> naive.run(p.reverse() && p.inputSize() == 8
                ? new DirectionPass(p.config(), new DirectionWeights(rows(p.weights().wIh(), new int[] {0, 3, 2, 1}),
                rows(p.weights().wHh(), new int[] {0, 3, 2, 1}), rows(p.weights().bIh(), new int[] {0, 3, 2, 1}),
                rows(p.weights().bHh(), new int[] {0, 3, 2, 1}), null, null), true, p.precision(), p.steps(), p.batch(),
                p.inputSize(), p.valid(), p.x(), p.h(), p.c(), p.y()) : p);
        NativeEngine engine = new NativeEngine(Precision.FLOAT32).withKernel(wrongInLayer1Reverse);
        Contender buggy = Contender.ofEngine("buggy engine", net, engine::run);
        ParityReport report = new Verifier(net, Tolerance.DEFAULT).check("net", ParityInputs.random(net.config(), 5, 2, 1, true),
                Contenders.reference(net), List.of(buggy));
        Diagnosis d = report.rows().get(0).diagnosis();
        assertEquals("layer 1, reverse direction, from step 4", d.where(), d.summary());
        assertEquals("the gate blocks are read as i,o,g,f instead of i,f,g,o, in the reverse direction only", d.cause(), d.summary());
    }
}

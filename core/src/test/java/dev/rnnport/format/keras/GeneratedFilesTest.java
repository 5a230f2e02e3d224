package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The files of make_keras_files.py: read back and run natively, they give the float64 references
 * computed from Keras's equations (1e-9 in float64, 1e-5 in float32).
 */
class GeneratedFilesTest {

    @TestFactory
    Stream<DynamicTest> nativeEngineMatchesKerasEquations() {
        return KerasCase.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            RecurrentNetwork net = Networks.load(c.model());
            assertTrue(net.config().batchFirst());
            for (Precision p : Precision.values()) {
                double tol = p == Precision.FLOAT64 ? 1e-9 : 1e-5;
                RunOutputs out = new NativeEngine(p).run(net, c.inputs(net));
                Closeness.assertClose(c.output(), out.output(), tol, c.name() + " output " + p);
                Closeness.assertClose(c.hN(), out.hN(), tol, c.name() + " h_n " + p);
                if (c.cN() != null) {
                    Closeness.assertClose(c.cN(), out.cN(), tol, c.name() + " c_n " + p);
                }
            }
        }));
    }

    @Test
    void gruResetAfterIsPyTorchsGruAndResetBeforeIsNot() {
        NetworkConfig after = Networks.load(KerasCase.named("gru_reset_after").model()).config();
        assertEquals(CellKind.GRU, after.cell());
        assertTrue(after.options().linearBeforeReset());
        RecurrentNetwork before = Networks.load(KerasCase.named("gru_reset_before").model());
        assertFalse(before.config().options().linearBeforeReset());
        // One Keras bias: it is the IR's bias_ih, bias_hh is zero.
        for (double v : before.weights(0, false).bHh().data()) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void stackedLayersWithDropoutBetweenAreOneNetwork() {
        NetworkConfig c = Networks.load(KerasCase.named("stacked_lstm").model()).config();
        assertEquals(3, c.numLayers());
        assertEquals(4, c.hiddenSize());
    }

    @Test
    void goBackwardsIsReverseOnlyWithOutputsAlignedToTheInput() {
        KerasCase c = KerasCase.named("lstm_go_backwards");
        RecurrentNetwork net = Networks.load(c.model());
        assertTrue(net.config().options().reverseOnly());
        assertEquals("true", net.annotations().get("keras.go_backwards"));
        // Keras hands on the outputs in processing order: the IR's, reversed in time.
        Tensor out = new NativeEngine(Precision.FLOAT64).run(net, RunInputs.of(c.input())).output();
        int n = out.dim(0);
        int t = out.dim(1);
        int h = out.dim(2);
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < h; j++) {
                    assertEquals(c.kerasOutput().get(b, t - 1 - s, j), out.get(b, s, j), 1e-9);
                }
            }
        }
    }

    @Test
    void bidirectionalMergeModesAreRecordedAndTheOutputIsPyTorchsConcatenation() {
        for (String mode : List.of("concat", "sum", "mul", "ave", "none")) {
            KerasCase c = KerasCase.named("bidirectional_lstm_" + mode);
            RecurrentNetwork net = Networks.load(c.model());
            assertEquals(mode, net.annotations().get("keras.merge_mode"));
            Tensor out = new NativeEngine(Precision.FLOAT64).run(net, RunInputs.of(c.input())).output();
            int hidden = net.config().hiddenSize();
            Tensor k = c.kerasOutput();
            for (int b = 0; b < out.dim(0); b++) {
                for (int s = 0; s < out.dim(1); s++) {
                    for (int j = 0; j < hidden; j++) {
                        double f = out.get(b, s, j);
                        double r = out.get(b, s, hidden + j);
                        switch (mode) {
                            case "concat" -> assertEquals(k.get(b, s, hidden + j), r, 1e-9);
                            case "sum" -> assertEquals(k.get(b, s, j), f + r, 1e-9);
                            case "mul" -> assertEquals(k.get(b, s, j), f * r, 1e-9);
                            case "ave" -> assertEquals(k.get(b, s, j), (f + r) / 2, 1e-9);
                            default -> assertEquals(k.get(1, b, s, j), r, 1e-9);
                        }
                    }
                }
            }
        }
    }

    @Test
    void maskingLayerBecomesKerasMaskingWithItsValue() {
        Masking m = Networks.load(KerasCase.named("masked_lstm").model()).config().options().masking();
        assertEquals(MaskedSteps.CARRY_OUTPUT, m.steps());
        assertEquals(0.0, m.maskValue());
        // Bidirectional with return_sequences=True zeroes masked steps in tf.keras.
        Masking bi = Networks.load(KerasCase.named("masked_bidirectional_lstm").model()).config().options().masking();
        assertEquals(MaskedSteps.ZERO_OUTPUT, bi.steps());
        assertEquals(0.0, bi.maskValue());
        // No masking layer: PyTorch's convention, so the network converts freely.
        assertTrue(Networks.load(KerasCase.named("gru_reset_after").model()).config().options().masking().isPyTorchLike());
    }

    @Test
    void aMaskGivenWithTheRunMasksTheSameStepsAsTheMaskValue() {
        KerasCase c = KerasCase.named("masked_gru");
        RecurrentNetwork net = Networks.load(c.model());
        RecurrentNetwork noValue = new RecurrentNetwork(net.config().withOptions(
                net.config().options().withMasking(Masking.KERAS)), net.weights());
        assertNull(noValue.config().options().masking().maskValue());
        RunOutputs out = new NativeEngine(Precision.FLOAT64).run(noValue, RunInputs.of(c.input()).withMask(c.mask()));
        Closeness.assertClose(c.output(), out.output(), 1e-9, "output");
        Closeness.assertClose(c.hN(), out.hN(), 1e-9, "h_n");
    }

    @Test
    void embeddingMaskZeroAsksForTheMaskWithTheRun() {
        Masking m = Networks.load(KerasCase.named("embedding_mask_zero_lstm").model()).config().options().masking();
        assertEquals(MaskedSteps.CARRY_OUTPUT, m.steps());
        assertNull(m.maskValue());
    }

    @Test
    void layersThatDoNotAgreeAreSeparateNetworksNamedByLayer() throws Exception {
        java.nio.file.Path dir = KerasCase.ROOT.resolve("two_networks");
        List<dev.rnnport.format.NamedNetwork> all = Networks.loadAll(dir.resolve("model.h5"), dev.rnnport.format.LoadOptions.DEFAULTS);
        assertEquals(List.of("lstm", "lstm_1"), all.stream().map(dev.rnnport.format.NamedNetwork::name).toList());
        for (String name : List.of("lstm", "lstm_1")) {
            java.nio.file.Path refs = name.equals("lstm") ? dir : dir.resolve(name);
            RecurrentNetwork net = Networks.load(dir.resolve("model.h5"), new dev.rnnport.format.LoadOptions(name, null, null));
            RunOutputs out = new NativeEngine(Precision.FLOAT64).run(net,
                    RunInputs.of(dev.rnnport.tensor.Npy.read(refs.resolve("input.npy"))));
            Closeness.assertClose(dev.rnnport.tensor.Npy.read(refs.resolve("output.npy")), out.output(), 1e-9, name);
            Closeness.assertClose(dev.rnnport.tensor.Npy.read(refs.resolve("h_n.npy")), out.hN(), 1e-9, name);
        }
    }

    @Test
    void keras3HardSigmoidIsReluSixBased() {
        RecurrentNetwork net = Networks.load(KerasCase.named("lstm_hard_sigmoid_keras3").model());
        assertEquals(1.0 / 6.0, net.config().options().forwardActivations().get(0).alpha(), 1e-15);
    }
}

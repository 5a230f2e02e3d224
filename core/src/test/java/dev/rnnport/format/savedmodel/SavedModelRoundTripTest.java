package dev.rnnport.format.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.ForeignSavedModel;
import dev.rnnport.testing.GridCase;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IR → SavedModel → IR gives the same network bit for bit; foreign and failed folders are handled in one line. */
class SavedModelRoundTripTest {
    @TempDir
    Path tmp;

    static Stream<RecurrentNetwork> networks() {
        List<Activation> acts = List.of(new Activation(Activation.Kind.HARD_SIGMOID, 0.3125, 0.375),
                new Activation(Activation.Kind.SCALED_TANH, 1.25, 0.75), Activation.of(Activation.Kind.SOFTSIGN));
        List<RecurrentNetwork> nets = new ArrayList<>();
        nets.add(random(new NetworkConfig(CellKind.LSTM, 3, 4, 2, true, true, 0.25, true, 0,
                CellOptions.defaults(CellKind.LSTM).withActivations(acts, CellOptions.defaultActivations(CellKind.LSTM))
                        .withClip(0.75).withInputForget(true)), true, DType.F32));
        nets.add(random(new NetworkConfig(CellKind.GRU, 2, 3, 1, false, false, 0, false, 0,
                CellOptions.defaults(CellKind.GRU).withLinearBeforeReset(false).withReverseOnly(true)), false, DType.F64));
        nets.add(random(new NetworkConfig(CellKind.LSTM, 3, 5, 2, true, false, 0, true, 2, CellOptions.defaults(CellKind.LSTM)),
                false, DType.F32));
        nets.add(random(NetworkConfig.of(CellKind.RNN_RELU, 2, 3).withLayers(3), false, DType.F32));
        return nets.stream();
    }

    static RecurrentNetwork random(NetworkConfig c, boolean peepholes, DType dtype) {
        SplittableRandom r = new SplittableRandom(c.hashCode());
        int gh = c.cell().gates() * c.hiddenSize();
        List<DirectionWeights> w = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (int d = 0; d < c.directions(); d++) {
                w.add(new DirectionWeights(t(r, dtype, gh, c.layerInputSize(layer)), t(r, dtype, gh, c.outputSize()),
                        c.bias() ? t(r, dtype, gh) : null, c.bias() ? t(r, dtype, gh) : null,
                        c.projSize() > 0 ? t(r, dtype, c.projSize(), c.hiddenSize()) : null,
                        peepholes ? t(r, dtype, 3 * c.hiddenSize()) : null));
            }
        }
        return new RecurrentNetwork(c, w);
    }

    private static Tensor t(SplittableRandom r, DType dtype, int... shape) {
        double[] v = new double[java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return Tensor.of(dtype, shape, v);
    }

    @Test
    void networksComeBackUnchanged() {
        List<RecurrentNetwork> all = new ArrayList<>(networks().toList());
        all.add(GridCase.named("lstm_l2_bi_bf_proj").network());
        int i = 0;
        for (RecurrentNetwork net : all) {
            Path dir = tmp.resolve("net" + i++);
            Networks.save(net, dir, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS);
            assertEquals(ModelFormat.SAVEDMODEL, detect(dir));
            RecurrentNetwork back = Networks.load(dir);
            assertEquals(net.config(), back.config(), net.toString());
            for (int k = 0; k < net.weights().size(); k++) {
                // Tensor equality is dtype, shape and every value.
                assertEquals(net.weights().get(k), back.weights().get(k), net + " weights " + k);
            }
        }
    }

    @Test
    void aFolderThatIsNotASavedModelIsNamed() throws Exception {
        Files.createDirectories(tmp.resolve("plain"));
        ModelException e = assertThrows(ModelException.class, () -> Networks.load(tmp.resolve("plain")));
        assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.write(broken.resolve("saved_model.pb"), new byte[] {1, 2, 3});
        e = assertThrows(ModelException.class, () -> Networks.load(broken));
        assertTrue(e.getMessage().startsWith(broken + ": not a SavedModel TensorFlow can load"), e.getMessage());
    }

    /** A SavedModel TF wrote without our config: refused in one line, and still runnable as it is. */
    @Test
    void aForeignSavedModelIsRefusedClearly() throws Exception {
        Path foreign = ForeignSavedModel.write(tmp.resolve("foreign"));
        ModelException e = assertThrows(ModelException.class, () -> Networks.load(foreign));
        assertEquals(foreign + ": a SavedModel without rnnport's rnnport/config (not written by rnnport): its weights cannot"
                + " be read back; run it as it is with --backend tensorflow", e.getMessage());
    }

    @Test
    void aFailedWriteLeavesNothing() throws Exception {
        RecurrentNetwork net = networks().findFirst().orElseThrow();
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThrows(RnnportException.class, () -> Networks.save(net, file.resolve("model"), ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS));
        assertThrows(RnnportException.class, () -> Networks.save(net, file, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS));
        assertEquals("x", Files.readString(file));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(file), left.toList(), "nothing but the file that was there");
        }
        assertFalse(Files.exists(tmp.resolve("model")));
    }

    /** TensorFlow has written the whole SavedModel when the write fails: the old folder stays, no temporary remains. */
    @Test
    void aWriteFailingAfterTensorFlowsExportLeavesTheOldFolder() throws Exception {
        RecurrentNetwork net = networks().findFirst().orElseThrow();
        Path target = tmp.resolve("model");
        Networks.save(net, target, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS);
        byte[] before = Files.readAllBytes(target.resolve("saved_model.pb"));
        List<Path> seen = new ArrayList<>();
        SavedModelWriter.afterExport = dir -> {
            seen.add(dir);
            throw new java.io.IOException("failed midway (simulated)");
        };
        try {
            RecurrentNetwork other = networks().skip(1).findFirst().orElseThrow();
            assertThrows(RnnportException.class, () -> Networks.save(other, target, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS));
        } finally {
            SavedModelWriter.afterExport = dir -> { };
        }
        assertEquals(1, seen.size());
        assertFalse(Files.exists(seen.get(0)), "the temporary folder is gone");
        assertTrue(Files.exists(seen.get(0).getParent()));
        assertEquals(List.of(target), Files.list(tmp).toList(), "nothing but the old SavedModel");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(target.resolve("saved_model.pb"))), "the old SavedModel is untouched");
        assertEquals(net.config(), Networks.load(target).config());
    }

    private static ModelFormat detect(Path p) {
        try {
            return ModelFormat.detect(p);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

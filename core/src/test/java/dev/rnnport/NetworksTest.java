package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.RnnportException.Kind;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.ConfigException;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.testing.RandomNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door: loading and saving in every format, and one family of failures whose kind says what went wrong. */
class NetworksTest {
    static final Path DEMO = Path.of("testmodels/demo/lstm.safetensors");
    static final Path TWO = Path.of("testmodels/torch/two_rnns/model.pt");

    @TempDir
    Path tmp;

    @Test
    void savesInEveryFormatAndLoadsBackTheSameNetwork() {
        RecurrentNetwork net = Networks.load(DEMO);
        for (ModelFormat f : ModelFormat.values()) {
            Path out = tmp.resolve("net." + f.formatName());
            Networks.save(net, out, f);
            assertEquals(net.config(), Networks.load(out).config(), f.formatName());
        }
    }

    @Test
    void severalNetworksAskTheLibraryCallerToChoose() {
        NetworkChoiceException e = assertThrows(NetworkChoiceException.class, () -> Networks.load(TWO));
        assertEquals(Kind.USAGE, e.kind());
        assertEquals(List.of("encoder.", "decoder."), e.found());
        assertEquals(TWO + " holds 2 networks (encoder., decoder.); choose one with LoadOptions.network", e.getMessage());
        NetworkChoiceException wrong = assertThrows(NetworkChoiceException.class,
                () -> Networks.load(TWO, new LoadOptions("middle", null, null)));
        assertEquals(TWO + ": no network named 'middle' (found: encoder., decoder.); choose one with LoadOptions.network",
                wrong.getMessage());
        assertEquals(2, Networks.loadAll(TWO, LoadOptions.DEFAULTS).size());
    }

    @Test
    void theCommandLineNamesItsOwnWayOfChoosing() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.rnnport.cli.Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
                "convert", TWO.toString(), tmp.resolve("x.onnx").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("choose one with --network NAME"), err.toString());
        assertFalse(err.toString().contains("LoadOptions"), err.toString());
    }

    @Test
    void aFormatThatCannotHoldTheNetworkRefusesBeforeWriting() {
        NetworkConfig clipped = NetworkConfig.of(CellKind.LSTM, 3, 4).withOptions(CellOptions.defaults(CellKind.LSTM).withClip(2.5));
        RecurrentNetwork net = RandomNetworks.of(clipped, 1);
        Path out = tmp.resolve("clipped.safetensors");
        RnnportException e = assertThrows(RnnportException.class, () -> Networks.save(net, out, ModelFormat.SAFETENSORS));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals(out + ": cannot write safetensors: PyTorch's nn.LSTM has no cell clip 2.5", e.getMessage());
        assertEquals(ModelFormat.SAFETENSORS.writer().refusal(net, dev.rnnport.format.WriteOptions.DEFAULTS).orElseThrow(),
                "PyTorch's nn.LSTM has no cell clip 2.5", "the writer's own statement");
        assertFalse(Files.exists(out));
        Networks.save(net, tmp.resolve("clipped.onnx"), ModelFormat.ONNX);
        assertTrue(Files.isRegularFile(tmp.resolve("clipped.onnx")), "ONNX holds a clip");
    }

    @Test
    void aFileSystemFailureWhenSavingIsAnIoKindNamingThePath() throws Exception {
        Path file = Files.createFile(tmp.resolve("afile"));
        Path out = file.resolve("x.onnx");
        RnnportException e = assertThrows(RnnportException.class, () -> Networks.save(Networks.load(DEMO), out, ModelFormat.ONNX));
        assertEquals(Kind.IO, e.kind());
        assertTrue(e.getMessage().startsWith(out + ": cannot write into " + file), e.getMessage());
        assertEquals(List.of(file), Files.list(tmp).toList(), "nothing half-written");
    }

    @Test
    void loadingFailuresHaveTheirKind() {
        assertEquals(Kind.IO, assertThrows(RnnportException.class, () -> Networks.load(tmp.resolve("none.pt"))).kind());
        ModelException unsafe = assertThrows(ModelException.class, () -> Networks.load(Path.of("testmodels/torch/hostile/os_system.pt")));
        assertEquals(Kind.UNSAFE, unsafe.kind(), unsafe.getMessage());
        ModelException damaged = assertThrows(ModelException.class,
                () -> Networks.load(Path.of("testmodels/torch/hostile/view_outside_storage.pt")));
        assertEquals(Kind.MALFORMED, damaged.kind(), damaged.getMessage());
    }

    @Test
    void settingsNoNetworkCanHaveAreConfigFailures() {
        ConfigException sizes = assertThrows(ConfigException.class, () -> NetworkConfig.of(CellKind.GRU, 0, 4));
        assertEquals(Kind.MALFORMED, sizes.kind());
        assertEquals("input_size, hidden_size and num_layers must be positive, found 0, 4, 1", sizes.getMessage());
        assertThrows(ConfigException.class, () -> NetworkConfig.of(CellKind.GRU, 3, 4).withProjSize(2));
        assertThrows(ConfigException.class, () -> CellOptions.defaults(CellKind.LSTM).withClip(0));
        assertTrue(ModelException.class.isAssignableFrom(ConfigException.class), "readers that wrap ModelException name the file");
    }
}

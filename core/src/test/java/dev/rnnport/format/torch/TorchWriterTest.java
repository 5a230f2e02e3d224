package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.GridCase;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written by {@link TorchWriter} read back equal, have torch's zip layout, and - where
 * Debian's PyTorch is installed - load with torch.load(weights_only=True) into the matching nn
 * module, which then computes what the native engine computes.
 */
class TorchWriterTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** A network of the fixtures, how to load it, and the input.npy it is run on. */
    record Case(Path file, LoadOptions options, Path input) {
        static Case torch(String file, String network, String inputFolder) {
            return new Case(TORCH.resolve(file), new LoadOptions(network, null, null),
                    TORCH.resolve(inputFolder).resolve("input.npy"));
        }

        /** A grid case, with the batch_first and nonlinearity its config.json records. */
        static Case grid(String name) {
            GridCase c = GridCase.named(name);
            return new Case(c.dir().resolve("model.pt"), c.loadOptions(), c.dir().resolve("input.npy"));
        }

        RecurrentNetwork load() {
            return Networks.load(file, options);
        }

        @Override
        public String toString() {
            return file + (options.network() == null ? "" : " " + options.network());
        }
    }

    static final Case CHECKPOINT = Case.torch("checkpoint_lstm/model.pt", "model.encoder.", "checkpoint_lstm");

    /** Grid cases that add what the fixtures lack: projections, three layers, batch_first GRU and RNN. */
    private static final List<String> GRID_CASES = List.of("lstm_l2_bi_bf_proj", "lstm_l3_nobias_proj", "gru_l3_bi_bf",
            "rnn_relu_l2_bi_bf_h0", "lstm_l1_unbatched");

    static Stream<Case> networks() {
        Stream<Case> fixtures = Stream.of(CHECKPOINT,
                Case.torch("whole_module/model.pt", "rnn.", "whole_module"),
                Case.torch("gru_fp16/model.pt", "", "gru_fp16"),
                Case.torch("two_rnns/model.pt", "decoder.", "two_rnns/decoder"),
                Case.torch("torchscript_lstm/model.pt", "lstm.", "torchscript_lstm"));
        Stream<Case> grid = GRID_CASES.stream().filter(c -> Files.exists(GridCase.ROOT.resolve(c).resolve("model.pt"))).map(Case::grid);
        return Stream.concat(fixtures, grid);
    }

    @Test
    void dropoutSurvivesInMetadata(@TempDir Path dir) throws IOException {
        RecurrentNetwork net = Case.torch("whole_module/model.pt", "rnn.", "whole_module").load();
        RecurrentNetwork withDropout = new RecurrentNetwork(net.config().withDropout(0.25), net.weights());
        Path out = dir.resolve("dropout.pt");
        Networks.save(withDropout, out, ModelFormat.PT, WriteOptions.DEFAULTS);
        assertEquals(withDropout.config(), Networks.load(out).config());
    }

    @ParameterizedTest
    @MethodSource("networks")
    void readsBackEqual(Case c, @TempDir Path dir) throws IOException {
        RecurrentNetwork net = c.load();
        Path out = dir.resolve("net.pt");
        Networks.save(net, out, ModelFormat.PT, WriteOptions.DEFAULTS);
        RecurrentNetwork back = TorchReaderTest.only(out, "").network();
        assertEquals(net.config(), back.config(), "settings survive through _metadata");
        for (int i = 0; i < net.weights().size(); i++) {
            DirectionWeights a = net.weights().get(i);
            DirectionWeights b = back.weights().get(i);
            assertSameValues(a.wIh(), b.wIh());
            assertSameValues(a.wHh(), b.wHh());
            assertSameValues(a.bIh(), b.bIh());
            assertSameValues(a.bHh(), b.bHh());
            assertSameValues(a.wHr(), b.wHr());
        }
    }

    private static void assertSameValues(Tensor a, Tensor b) {
        if (a == null) {
            assertEquals(null, b);
            return;
        }
        assertEquals(a.as(DType.F32), b, "written as float32, read back equal");
    }

    @Test
    void float64StaysFloat64(@TempDir Path dir) throws IOException {
        RecurrentNetwork net = toF64(CHECKPOINT.load());
        Path out = dir.resolve("f64.pt");
        Networks.save(net, out, ModelFormat.PT, WriteOptions.DEFAULTS);
        RecurrentNetwork back = Networks.load(out);
        assertEquals(net.weights().get(3).wHh(), back.weights().get(3).wHh());
        assertEquals(DType.F64, back.weights().get(0).wIh().dtype());
    }

    static RecurrentNetwork toF64(RecurrentNetwork n) {
        List<DirectionWeights> w = new ArrayList<>();
        for (DirectionWeights d : n.weights()) {
            w.add(new DirectionWeights(f64(d.wIh()), f64(d.wHh()), f64(d.bIh()), f64(d.bHh()), f64(d.wHr()), null));
        }
        return new RecurrentNetwork(n.config(), w);
    }

    private static Tensor f64(Tensor t) {
        return t == null ? null : t.as(DType.F64);
    }

    /** Stored records whose data start at multiples of 64, in torch's order, as PyTorch's writer makes them. */
    @Test
    void torchZipLayout(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("net.pt");
        Networks.save(CHECKPOINT.load(), out, ModelFormat.PT, WriteOptions.DEFAULTS);
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(out.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            }
            assertEquals("3\n", new String(z.getInputStream(z.getEntry("archive/version")).readAllBytes(), StandardCharsets.US_ASCII));
            assertEquals("little", new String(z.getInputStream(z.getEntry("archive/byteorder")).readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("archive/data.pkl", names.get(0));
        assertEquals("archive/data/0", names.get(2));
        assertEquals("archive/version", names.get(names.size() - 1));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        int records = 0;
        while (b.getInt(pos) == 0x04034b50) {
            int nameLength = b.getShort(pos + 26) & 0xffff;
            int extraLength = b.getShort(pos + 28) & 0xffff;
            int size = b.getInt(pos + 18);
            int data = pos + 30 + nameLength + extraLength;
            assertEquals(0, data % 64, "record " + records + " data offset " + data);
            assertEquals('F', b.get(pos + 30 + nameLength));
            assertEquals('B', b.get(pos + 30 + nameLength + 1));
            pos = data + size;
            records++;
        }
        assertEquals(names.size(), records);
    }

    @Test
    void refusalLeavesNothingOnDisk(@TempDir Path dir) throws IOException {
        RecurrentNetwork gru = Case.torch("gru_fp16/model.pt", "", "gru_fp16").load();
        NetworkConfig c = gru.config();
        RecurrentNetwork lbr0 = new RecurrentNetwork(c.withOptions(c.options().withLinearBeforeReset(false)), gru.weights());
        Path out = dir.resolve("lbr0.pt");
        ModelException e = assertThrows(ModelException.class, () -> Networks.save(lbr0, out, ModelFormat.PT, WriteOptions.DEFAULTS));
        assertTrue(e.getMessage().startsWith(out + ": cannot write pt"), e.getMessage());
        assertTrue(e.getMessage().contains("linear_before_reset"), e.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "no file and no temporary left behind");
        }
    }

    // ------------------------------------------------------------------ real PyTorch reads it

    private static final String LOAD_IN_TORCH = String.join("\n",
            "import json, sys",
            "import numpy as np, torch",
            "path, cfg_path, x_path, out_dir = sys.argv[1:5]",
            "cfg = json.load(open(cfg_path))",
            "sd = torch.load(path, weights_only=True)",
            "cls = {'LSTM': torch.nn.LSTM, 'GRU': torch.nn.GRU, 'RNN': torch.nn.RNN}[cfg.pop('cell')]",
            "dtype = torch.float64 if cfg.pop('float64') else torch.float32",
            "m = cls(**cfg).to(dtype)",
            "m.load_state_dict(sd, strict=True)",
            "x = torch.from_numpy(np.load(x_path)).to(dtype)",
            "with torch.no_grad():",
            "    y, h = m(x)",
            "np.save(out_dir + '/output.npy', y.numpy())",
            "np.save(out_dir + '/h_n.npy', (h[0] if isinstance(h, tuple) else h).numpy())",
            "if isinstance(h, tuple):",
            "    np.save(out_dir + '/c_n.npy', h[1].numpy())",
            "");

    private static Boolean torchAvailable;

    static synchronized boolean torchAvailable() {
        if (torchAvailable == null) {
            torchAvailable = probeTorch();
        }
        return torchAvailable;
    }

    private static boolean probeTorch() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @ParameterizedTest
    @MethodSource("networks")
    void pyTorchLoadsItWithWeightsOnly(Case c, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torchAvailable(), "skipped: /usr/bin/python3 with torch is not installed");
        checkInPyTorch(c.load(), c.input(), dir, false);
    }

    @Test
    void pyTorchLoadsFloat64(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torchAvailable(), "skipped: /usr/bin/python3 with torch is not installed");
        RecurrentNetwork net = toF64(CHECKPOINT.load());
        checkInPyTorch(net, CHECKPOINT.input(), dir, true);
    }

    static void checkInPyTorch(RecurrentNetwork net, Path input, Path dir, boolean f64) throws Exception {
        Path model = dir.resolve("model.pt");
        Networks.save(net, model, ModelFormat.PT, WriteOptions.DEFAULTS);
        checkFileInPyTorch(model, net, input, dir, f64);
    }

    /**
     * PyTorch loads {@code model} with weights_only=True into the nn module {@code net} describes,
     * strictly, and its forward pass on {@code input} equals our native run of {@code net}.
     */
    static void checkFileInPyTorch(Path model, RecurrentNetwork net, Path input, Path dir, boolean f64) throws Exception {
        NetworkConfig c = net.config();
        String cfg = "{\"cell\": \"" + c.cell().moduleName() + "\", \"input_size\": " + c.inputSize()
                + ", \"hidden_size\": " + c.hiddenSize() + ", \"num_layers\": " + c.numLayers()
                + ", \"bias\": " + c.bias() + ", \"batch_first\": " + c.batchFirst()
                + ", \"bidirectional\": " + c.bidirectional() + ", \"float64\": " + f64
                + (c.projSize() > 0 ? ", \"proj_size\": " + c.projSize() : "")
                + (c.cell().isRnn() ? ", \"nonlinearity\": \"" + (c.cell().name().endsWith("RELU") ? "relu" : "tanh") + "\"" : "")
                + "}";
        Json.parse(cfg);
        Path cfgFile = dir.resolve("config.json");
        Files.writeString(cfgFile, cfg);
        Path script = dir.resolve("load.py");
        Files.writeString(script, LOAD_IN_TORCH);
        Path out = Files.createDirectories(dir.resolve("torch"));
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), model.toString(), cfgFile.toString(),
                input.toAbsolutePath().toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), "torch.load / load_state_dict / forward failed:\n" + log);

        Precision precision = f64 ? Precision.FLOAT64 : Precision.FLOAT32;
        Tensor x = Npy.read(input);
        RunOutputs ours = new NativeEngine(precision).run(net, RunInputs.of(f64 ? x.as(DType.F64) : x));
        double tol = f64 ? 1e-12 : 1e-5;
        assertClose(Npy.read(out.resolve("output.npy")), ours.output(), tol, "output");
        assertClose(Npy.read(out.resolve("h_n.npy")), ours.hN(), tol, "h_n");
        if (ours.cN() != null) {
            assertClose(Npy.read(out.resolve("c_n.npy")), ours.cN(), tol, "c_n");
        } else {
            assertFalse(Files.exists(out.resolve("c_n.npy")));
        }
    }
}

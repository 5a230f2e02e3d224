package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.torch.pickle.PickleLimits;
import dev.rnnport.format.torch.pickle.PyDict;
import dev.rnnport.format.torch.pickle.PyObject;
import dev.rnnport.format.torch.pickle.PyTuple;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files written by PyTorch 1.13 (torch.save in both layouts, torch.jit.save) load, and the
 * networks found in them run to PyTorch's recorded outputs within 1e-5.
 */
class TorchReaderTest {
    private static final double TOL = 1e-5;

    static List<NamedNetwork> load(Path file) {
        return Networks.loadAll(file, LoadOptions.DEFAULTS);
    }

    static NamedNetwork only(Path file, String name) {
        List<NamedNetwork> all = load(file);
        assertEquals(List.of(name), all.stream().map(NamedNetwork::name).toList(), file + ": networks found");
        return all.get(0);
    }

    /** Runs {@code net} on {@code folder}/input.npy and compares with PyTorch's outputs beside it. */
    static void runsLikePyTorch(RecurrentNetwork net, Path folder) throws IOException {
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(net, RunInputs.of(Npy.read(folder.resolve("input.npy"))));
        assertClose(Npy.read(folder.resolve("output.npy")), out.output(), TOL, folder + " output");
        assertClose(Npy.read(folder.resolve("h_n.npy")), out.hN(), TOL, folder + " h_n");
        Path cN = folder.resolve("c_n.npy");
        if (Files.exists(cN)) {
            assertClose(Npy.read(cN), out.cN(), TOL, folder + " c_n");
        } else {
            assertNull(out.cN());
        }
    }

    @ParameterizedTest
    @CsvSource({"model.pt, zip", "model_legacy.pt, legacy"})
    void checkpointWithOptimizerStateAndForeignObjects(String file, String layout) throws IOException {
        Path dir = TORCH.resolve("checkpoint_lstm");
        try (TorchFile f = TorchFile.open(dir.resolve(file), PickleLimits.defaults())) {
            assertEquals(layout, f.layout());
        }
        NamedNetwork n = only(dir.resolve(file), "model.encoder.");
        NetworkConfig c = n.network().config();
        assertEquals(CellKind.LSTM, c.cell());
        assertEquals(2, c.numLayers());
        assertTrue(c.bidirectional());
        runsLikePyTorch(n.network(), dir);
    }

    @Test
    void checkpointKeepsForeignObjectsInert() throws IOException {
        try (TorchFile f = TorchFile.open(TORCH.resolve("checkpoint_lstm/model.pt"), PickleLimits.defaults())) {
            PyDict root = (PyDict) f.root();
            assertEquals(7L, root.get("epoch"));
            assertEquals(Double.POSITIVE_INFINITY, root.get("best_loss"));
            PyObject args = (PyObject) root.get("args");
            assertEquals("argparse.Namespace", args.typeName());
            assertEquals("corpus.txt", ((PyDict) args.state()).get("data"));
            PyObject vocab = (PyObject) root.get("vocab");
            assertEquals("__main__.Dictionary", vocab.typeName());
            PyDict hyper = (PyDict) root.get("hyper_parameters");
            assertEquals(PyTuple.of(0.9, 0.999), hyper.get("betas"));
            TensorTree tree = TensorTree.of(root, "checkpoint", PickleLimits.defaults());
            assertTrue(tree.leaves().containsKey("model.encoder.weight_ih_l0"));
            assertTrue(tree.leaves().containsKey("model.decoder.weight"));
            assertTrue(tree.leaves().containsKey("optimizer_states.0.state.0.exp_avg"));
        }
    }

    @Test
    void torchScriptModuleAttributes() throws IOException {
        Path dir = TORCH.resolve("torchscript_lstm");
        try (TorchFile f = TorchFile.open(dir.resolve("model.pt"), PickleLimits.defaults())) {
            assertEquals("TorchScript", f.layout());
            assertEquals("__torch__.ScriptedTagger", ((PyObject) f.root()).typeName());
        }
        NamedNetwork n = only(dir.resolve("model.pt"), "lstm.");
        assertEquals(2, n.network().config().numLayers());
        runsLikePyTorch(n.network(), dir);
    }

    @ParameterizedTest
    @CsvSource({"gru_fp16, F16", "gru_bf16, BF16"})
    void halfPrecisionStateDicts(String folder, DType dtype) throws IOException {
        Path dir = TORCH.resolve(folder);
        NamedNetwork n = only(dir.resolve("model.pt"), "");
        assertEquals(CellKind.GRU, n.network().config().cell());
        assertEquals(dtype, n.network().weights().get(0).wIh().dtype());
        runsLikePyTorch(n.network(), dir);
    }

    @ParameterizedTest
    @CsvSource({"model.pt", "model_legacy.pt"})
    void stridedViewsSharingOneStorage(String file) throws IOException {
        Path dir = TORCH.resolve("strided_shared");
        NamedNetwork n = only(dir.resolve(file), "");
        runsLikePyTorch(n.network(), dir);
        try (TorchFile f = TorchFile.open(dir.resolve(file), PickleLimits.defaults())) {
            PyDict sd = (PyDict) f.root();
            TorchTensor hh = (TorchTensor) sd.get("weight_hh_l0");
            TorchTensor pool = (TorchTensor) sd.get("pool");
            assertTrue(hh.storage() == pool.storage(), "views share the pool's storage");
            assertEquals(5, hh.offset());
            assertEquals(List.of(1L, 40L), List.of(hh.stride()[0], hh.stride()[1]));
        }
    }

    @ParameterizedTest
    @CsvSource({"model.pt", "model_legacy.pt"})
    void twoNetworksByPrefix(String file) throws IOException {
        Path dir = TORCH.resolve("two_rnns");
        List<NamedNetwork> all = load(dir.resolve(file));
        assertEquals(List.of("encoder.", "decoder."), all.stream().map(NamedNetwork::name).toList());
        runsLikePyTorch(Networks.load(dir.resolve(file), new LoadOptions("encoder.", null, null)), dir.resolve("encoder"));
        runsLikePyTorch(Networks.load(dir.resolve(file), new LoadOptions("decoder", null, null)), dir.resolve("decoder"));
    }

    @ParameterizedTest
    @CsvSource({"model.pt", "model_legacy.pt"})
    void wholePickledModuleKeepsItsSettings(String file) throws IOException {
        Path dir = TORCH.resolve("whole_module");
        NamedNetwork n = only(dir.resolve(file), "rnn.");
        NetworkConfig c = n.network().config();
        assertEquals(CellKind.RNN_RELU, c.cell());
        assertTrue(c.batchFirst());
        assertTrue(c.bidirectional());
        runsLikePyTorch(n.network(), dir);
    }

    @ParameterizedTest
    @CsvSource({"torch21.pt, zip", "torch21_big_endian.pt, zip", "torch04_cuda_views.pt, legacy"})
    void layoutsOfOtherPyTorchVersions(String file, String layout) throws IOException {
        Path dir = TORCH.resolve("other_layouts");
        try (TorchFile f = TorchFile.open(dir.resolve(file), PickleLimits.defaults())) {
            assertEquals(layout, f.layout());
        }
        runsLikePyTorch(only(dir.resolve(file), "").network(), dir);
    }

    @Test
    void legacyStorageViewsOfOneCudaBuffer() throws IOException {
        try (TorchFile f = TorchFile.open(TORCH.resolve("other_layouts/torch04_cuda_views.pt"), PickleLimits.defaults())) {
            PyDict sd = (PyDict) f.root();
            TorchTensor ih = (TorchTensor) sd.get("weight_ih_l0");
            TorchTensor hh = (TorchTensor) sd.get("weight_hh_l0");
            assertEquals("cuda:0", hh.storage().location());
            assertEquals(ih.storage().record(), hh.storage().record(), "both views live in one root storage");
            assertEquals(36L * 4, hh.storage().byteOffset(), "weight_hh_l0 starts after the 36 floats of weight_ih_l0");
        }
    }

    @ParameterizedTest
    @CsvSource({"serialization/best.th, legacy", "serialization_full/best.th, zip"})
    void allenNlpTaggerEncoder(String file, String layout) throws IOException {
        Path path = TORCH.resolve("allennlp/simple_tagger").resolve(file);
        try (TorchFile f = TorchFile.open(path, PickleLimits.defaults())) {
            assertEquals(layout, f.layout());
        }
        NamedNetwork n = only(path, "encoder._module.");
        NetworkConfig c = n.network().config();
        assertEquals(CellKind.LSTM, c.cell());
        assertEquals(2, c.inputSize());
        assertEquals(4, c.hiddenSize());
        assertEquals(1, c.numLayers());
        Tensor x = Tensor.of(DType.F32, new int[] {3, 1, 2}, new double[] {0.5, -1, 1, 0.25, -0.5, 2});
        RunOutputs out = n.network().forward(x);
        assertEquals(List.of(3, 1, 4), List.of(out.output().dim(0), out.output().dim(1), out.output().dim(2)));
        for (double v : out.output().data()) {
            assertTrue(Math.abs(v) < 1, "an LSTM's outputs lie in (-1, 1)");
        }
    }
}

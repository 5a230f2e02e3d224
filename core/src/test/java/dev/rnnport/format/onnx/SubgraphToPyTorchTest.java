package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Npy;
import dev.rnnport.testing.Closeness;
import java.io.IOException;
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
 * Every network found inside subgraphs (and with folded or half-precision weights), converted to
 * .pt, is loaded by real PyTorch (torch.load weights_only=True, load_state_dict strict) into the
 * matching nn module, whose outputs on the case's input and initial states equal the float64
 * reference from ONNX's equations. Needs /usr/bin/python3 with torch; skipped visibly without it.
 */
class SubgraphToPyTorchTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "import numpy as np, torch",
            "for case in json.load(open(sys.argv[1])):",
            "    sd = torch.load(case['pt'], weights_only=True)",
            "    cfg = case['config']",
            "    cls = {'LSTM': torch.nn.LSTM, 'GRU': torch.nn.GRU, 'RNN': torch.nn.RNN}[cfg.pop('cell')]",
            "    m = cls(**cfg)",
            "    m.load_state_dict(sd, strict=True)",
            "    x = torch.from_numpy(np.load(case['refs'] + '/input.npy'))",
            "    h0 = torch.from_numpy(np.load(case['refs'] + '/h0.npy'))",
            "    with torch.no_grad():",
            "        if cls is torch.nn.LSTM:",
            "            y, (h, c) = m(x, (h0, torch.from_numpy(np.load(case['refs'] + '/c0.npy'))))",
            "            np.save(case['out'] + '/c_n.npy', c.numpy())",
            "        else:",
            "            y, h = m(x, h0)",
            "    np.save(case['out'] + '/output.npy', y.numpy())",
            "    np.save(case['out'] + '/h_n.npy', h.numpy())",
            "print('ran', len(json.load(open(sys.argv[1]))))",
            "");

    @Test
    void everyNetworkRunsInPyTorchAfterConversion(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(torchAvailable(), "skipped: /usr/bin/python3 with torch is not installed");
        List<GraphCase> cases = GraphCase.all();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            GraphCase c = cases.get(i);
            RecurrentNetwork net = c.load();
            Path pt = tmp.resolve("case" + i + ".pt");
            dev.rnnport.Networks.save(net, pt, ModelFormat.PT, WriteOptions.DEFAULTS);
            Path out = Files.createDirectories(tmp.resolve("out" + i));
            entries.add("{\"pt\": \"" + pt + "\", \"refs\": \"" + c.refs().toAbsolutePath() + "\", \"out\": \"" + out
                    + "\", \"config\": " + config(net.config()) + "}");
        }
        Path list = tmp.resolve("cases.json");
        Files.writeString(list, "[" + String.join(",\n", entries) + "]");
        Path script = tmp.resolve("run.py");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), list.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.strip().endsWith("ran " + cases.size()), log);
        for (int i = 0; i < cases.size(); i++) {
            GraphCase c = cases.get(i);
            Path out = tmp.resolve("out" + i);
            for (String f : c.cell().equals("LSTM") ? List.of("output", "h_n", "c_n") : List.of("output", "h_n")) {
                Closeness.assertClose(c.npy(f + ".npy"), Npy.read(out.resolve(f + ".npy")), 1e-5, c + " " + f + " in PyTorch");
            }
        }
    }

    private static String config(NetworkConfig c) {
        return "{\"cell\": \"" + c.cell().moduleName() + "\", \"input_size\": " + c.inputSize()
                + ", \"hidden_size\": " + c.hiddenSize() + ", \"num_layers\": " + c.numLayers()
                + ", \"bias\": " + (c.bias() ? "true" : "false") + ", \"batch_first\": " + (c.batchFirst() ? "true" : "false")
                + ", \"bidirectional\": " + (c.bidirectional() ? "true" : "false")
                + (c.cell().isRnn() ? ", \"nonlinearity\": \"" + (c.cell() == CellKind.RNN_RELU ? "relu" : "tanh") + "\"" : "")
                + "}";
    }

    private static boolean torchAvailable() {
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
}

package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.NetworkConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What our writer produces passes ONNX's own checker (onnx.checker.check_model with full_check,
 * which also runs shape inference), for every kind of graph we write: stacked and bidirectional
 * nodes, ONNX-only options, and the Loop form of a projected LSTM, at the lowest and highest opsets.
 * Needs Python with the onnx package (Debian's python3-onnx); skipped visibly without it.
 */
class OnnxCheckerTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void writtenModelsPassTheOnnxChecker(@TempDir Path tmp) throws Exception {
        int newest = newestOpsetOfPythonOnnx();
        assumeTrue(newest > 0, "skipped: " + PYTHON + " cannot import onnx (apt-get install python3-onnx)");
        List<String> files = new ArrayList<>();
        for (Arguments a : OnnxOnlyFeaturesTest.networks().toList()) {
            String name = ((String) a.get()[0]).replace(' ', '_');
            NetworkConfig cfg = (NetworkConfig) a.get()[1];
            var net = OnnxOnlyFeaturesTest.network(cfg, (Boolean) a.get()[2], 11);
            // The checker knows the opsets of its own release (Debian's onnx 1.12: up to 17).
            for (int opset : new int[] {cfg.projSize() > 0 ? 9 : 7, 14, Math.min(22, newest)}) {
                Path f = tmp.resolve(name + "_opset" + opset + ".onnx");
                new OnnxWriter().write(net, f, new WriteOptions(opset));
                files.add(f.toString());
            }
        }
        Path script = tmp.resolve("check.py");
        Files.writeString(script, String.join("\n",
                "import sys, onnx",
                "bad = 0",
                "for path in sys.argv[1:]:",
                "    try:",
                "        onnx.checker.check_model(onnx.load(path), full_check=True)",
                "    except Exception as e:",
                "        bad += 1",
                "        print(path, type(e).__name__, str(e).splitlines()[0] if str(e) else '')",
                "print('checked', len(sys.argv) - 1, 'failed', bad)",
                ""));
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        assertEquals("checked " + files.size() + " failed 0", out.strip().lines().reduce((x, y) -> y).orElse(""), out);
    }

    /** The newest opset the installed onnx package knows, or 0 without one. */
    private static int newestOpsetOfPythonOnnx() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import onnx.defs; print(onnx.defs.onnx_opset_version())").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? Integer.parseInt(out) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}

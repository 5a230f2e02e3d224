package dev.rnnport.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.Main;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.testing.RandomNetworks;
import dev.rnnport.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ONNX Runtime refuses shows in {@code verify} as unsupported with its reason, never as a pass. */
class VerifyRefusalsTest {
    @TempDir
    Path tmp;

    @Test
    void aFloat64OnnxFileIsUnsupportedByOnnxRuntimeAndStillCheckedNatively() throws Exception {
        RecurrentNetwork net = RandomNetworks.of(CellKind.LSTM, 3, 4, 1, false, false, true, 0, 21);
        Path file = tmp.resolve("lstm64.onnx");
        Files.write(file, DoubleGraphs.of(OnnxWriter.toModel(net, 0)).toByteArray());
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true),
                "verify", file.toString(), "--backends", "native,onnxruntime", "--json");
        assertEquals(Main.OK, code, out.toString());
        List<?> runs = (List<?>) ((Map<?, ?>) Json.parse(out.toString().strip())).get("runs");
        Map<?, ?> asIs = runs.stream().map(r -> (Map<?, ?>) r).filter(r -> r.get("run").equals("onnxruntime (file as is)"))
                .findFirst().orElseThrow(() -> new AssertionError(out));
        assertEquals("unsupported", asIs.get("status"), out.toString());
        assertTrue(((String) asIs.get("note")).contains("double"), "ONNX Runtime's own refusal: " + asIs);
        assertTrue(((List<?>) asIs.get("tensors")).isEmpty());
        Map<?, ?> native32 = (Map<?, ?>) runs.get(0);
        assertEquals("pass", native32.get("status"), out.toString());
    }
}

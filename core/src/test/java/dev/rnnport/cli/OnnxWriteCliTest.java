package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.GraphCase;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convert --dtype and --external-data, and the note when float64 weights are rounded. */
class OnnxWriteCliTest {
    @TempDir
    Path tmp;

    private Path float64Pt() {
        RecurrentNetwork n = GraphCase.named("loop_lstm.onnx", "Loop_0/body/LSTM_1").load();
        List<DirectionWeights> w = new ArrayList<>();
        for (DirectionWeights d : n.weights()) {
            w.add(new DirectionWeights(d.wIh().as(DType.F64), d.wHh().as(DType.F64), d.bIh().as(DType.F64),
                    d.bHh().as(DType.F64), null, null));
        }
        Path pt = tmp.resolve("f64.pt");
        Networks.save(new RecurrentNetwork(n.config(), w), pt, ModelFormat.PT, WriteOptions.DEFAULTS);
        return pt;
    }

    @Test
    void roundingFloat64IsNoted() {
        Path pt = float64Pt();
        Result r = rnnport("convert", pt.toString(), tmp.resolve("a.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("note: float64 weights written as float32; use --dtype float64 to keep them", r.err().strip());
        Result kept = rnnport("convert", pt.toString(), tmp.resolve("b.onnx").toString(), "--dtype", "float64");
        assertEquals(0, kept.code(), kept.err());
        assertEquals("", kept.err().strip());
        assertEquals(DType.F64, Networks.load(tmp.resolve("b.onnx")).weights().get(0).wIh().dtype());
    }

    @Test
    void externalDataOnRequest() throws Exception {
        Result r = rnnport("convert", float64Pt().toString(), tmp.resolve("c.onnx").toString(), "--external-data", "--dtype", "float32");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(tmp.resolve("c.onnx.data")) > 0);
        assertEquals(3, Networks.load(tmp.resolve("c.onnx")).config().hiddenSize());
        assertOneLineError(rnnport("convert", float64Pt().toString(), tmp.resolve("d.safetensors").toString(), "--external-data"),
                2, "--external-data and --dtype apply to ONNX output");
        assertOneLineError(rnnport("convert", float64Pt().toString(), tmp.resolve("e.onnx").toString(), "--dtype", "half"),
                2, "--dtype must be float32 or float64");
    }
}

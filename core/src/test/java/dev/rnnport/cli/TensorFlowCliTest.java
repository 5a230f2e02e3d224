package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.DEMO;
import static dev.rnnport.cli.CliTest.assertDemoOutputs;
import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.tensor.Npy;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.ForeignSavedModel;
import dev.rnnport.testing.GridCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run --backend tensorflow and convert --to savedmodel from the command line: PyTorch's outputs,
 * the same files in the same shapes as native, SavedModels ours and foreign.
 */
class TensorFlowCliTest {
    @TempDir
    Path tmp;

    @Test
    void demoRunsOnTensorFlowLikePyTorch() throws Exception {
        Path out = tmp.resolve("tf");
        Result r = rnnport("run", DEMO.resolve("lstm.safetensors").toString(), "--backend", "tensorflow", "--threads", "1",
                "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertDemoOutputs(out);
    }

    /** A GRU with lengths, batch_first, float64: file for file what the native backend writes, with PyTorch's values. */
    @Test
    void writesWhatNativeWritesInEveryPrecision() throws Exception {
        GridCase c = GridCase.named("gru_l1_bf_len");
        for (String precision : List.of("float32", "float64")) {
            for (String backend : List.of("native", "tensorflow")) {
                Result r = rnnport("run", c.dir().resolve("model.safetensors").toString(), "--batch-first",
                        "--backend", backend, "--precision", precision,
                        "--input", c.dir().resolve("input.npy").toString(),
                        "--lengths", c.dir().resolve("lengths.npy").toString(), "--out", tmp.resolve(backend + precision).toString());
                assertEquals(0, r.code(), r.err());
            }
            Path nat = tmp.resolve("native" + precision);
            Path tf = tmp.resolve("tensorflow" + precision);
            try (Stream<Path> files = Files.list(nat)) {
                assertEquals(List.of("h_n.npy", "output.npy"), files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            String suffix = precision.equals("float64") ? "64" : "";
            for (String name : List.of("output", "h_n")) {
                var n = Npy.read(nat.resolve(name + ".npy"));
                var t = Npy.read(tf.resolve(name + ".npy"));
                assertArrayEquals(n.shape(), t.shape(), name);
                assertEquals(n.dtype(), t.dtype(), name);
                Closeness.assertClose(c.npy(name + suffix + ".npy"), t, precision.equals("float64") ? 1e-9 : 1e-5, name + " " + precision);
            }
        }
    }

    @Test
    void ptConvertedToASavedModelRunsOnBothBackendsAndInspects() throws Exception {
        Path saved = tmp.resolve("lstm_savedmodel");
        Result c = rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), saved.toString(), "--to", "savedmodel");
        assertEquals(0, c.code(), c.err());
        assertTrue(Files.isRegularFile(saved.resolve("saved_model.pb")));
        Result i = rnnport("inspect", saved.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("(savedmodel)") && i.out().contains("cell=LSTM") && i.out().contains("batch_first=true"), i.out());
        for (String backend : List.of("tensorflow", "native")) {
            Path out = tmp.resolve("from-savedmodel-" + backend);
            Result r = rnnport("run", saved.toString(), "--backend", backend,
                    "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertDemoOutputs(out);
        }
        Path back = tmp.resolve("back.safetensors");
        assertEquals(0, rnnport("convert", saved.toString(), back.toString()).code());
        Path out = tmp.resolve("back");
        assertEquals(0, rnnport("run", back.toString(), "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString()).code());
        assertDemoOutputs(out);
        assertOneLineError(rnnport("run", saved.toString(), "--backend", "tensorflow", "--precision", "float64",
                "--input", DEMO.resolve("input.npy").toString(), "--out", tmp.resolve("never").toString()), 2, "--precision float32");
    }

    @Test
    void aForeignSavedModelIsRefusedInOneLineButRuns() throws Exception {
        Path foreign = ForeignSavedModel.write(tmp.resolve("foreign"));
        assertOneLineError(rnnport("inspect", foreign.toString()), 3, "not written by rnnport");
        Path out = tmp.resolve("foreign-out");
        Result r = rnnport("run", foreign.toString(), "--backend", "tensorflow",
                "--input", DEMO.resolve("input.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        var x = Npy.read(DEMO.resolve("input.npy"));
        var y = Npy.read(out.resolve("output.npy"));
        assertArrayEquals(x.shape(), y.shape());
        assertEquals(Math.tanh(x.data()[5]), y.data()[5], 1e-6, "the foreign graph's tanh, computed by TensorFlow");
    }
}

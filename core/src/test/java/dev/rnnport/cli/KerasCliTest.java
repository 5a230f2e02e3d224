package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keras files on the command line: what is refused is refused in one line, with exit 3 and nothing written. */
class KerasCliTest {
    static final Path BAD = Path.of("testmodels/keras/bad");
    static final Path GENERATED = Path.of("testmodels/keras/generated");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "truncated.h5             | truncated.h5: damaged HDF5 content",
        "not_hdf5.h5              | not_hdf5.h5: not a readable HDF5 file",
        "unknown_layer_between.h5 | layer 'my_attention' (MyAttention) sits between the recurrent layers 'lstm' and 'lstm_1'",
        "kernel_units_mismatch.h5 | layer 'lstm': kernel has shape [3, 16], expected [input, 20]",
        "unknown_activation.h5    | layer 'lstm': unknown activation 'swish'",
    })
    void badKerasFilesAreRefusedInOneLine(String file, String message) throws Exception {
        for (String command : new String[] {"inspect", "convert"}) {
            Path out = tmp.resolve("out.onnx");
            Result r = command.equals("inspect") ? rnnport("inspect", BAD.resolve(file).toString())
                    : rnnport("convert", BAD.resolve(file).toString(), out.toString());
            assertOneLineError(r, 3, message);
            assertNothingWritten();
        }
    }

    @ParameterizedTest
    @CsvSource({"out.pt", "out.safetensors"})
    void gruWithResetAfterFalseIsNotWrittenForPyTorch(String name) throws Exception {
        Result r = rnnport("convert", GENERATED.resolve("gru_reset_before/model.h5").toString(), tmp.resolve(name).toString());
        assertOneLineError(r, 3, "reset_after=False");
        assertNothingWritten();
    }

    @ParameterizedTest
    @CsvSource({"out.onnx", "out.pt", "out.safetensors"})
    void keraMaskingIsNotWrittenWhereItWouldMeanSomethingElse(String name) throws Exception {
        Result r = rnnport("convert", GENERATED.resolve("masked_lstm/model.h5").toString(), tmp.resolve(name).toString());
        assertOneLineError(r, 3, "Keras masking");
        assertNothingWritten();
    }

    @Test
    void contentDecidesTheFormatNotTheName() throws Exception {
        Path renamed = tmp.resolve("model.bin");
        Files.copy(GENERATED.resolve("gru_reset_after/model.h5"), renamed);
        Result r = rnnport("inspect", renamed.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(h5)") && r.out().contains("cell=GRU"), r.out());
    }

    /** The README's Keras example: .h5 to ONNX, run by ONNX Runtime, gives Keras's outputs. */
    @Test
    void readmeExampleH5ToOnnxRunsInOnnxRuntime() throws Exception {
        Path onnx = tmp.resolve("stacked.onnx");
        Path dir = GENERATED.resolve("stacked_lstm");
        Result c = rnnport("convert", dir.resolve("model.h5").toString(), onnx.toString());
        assertEquals(0, c.code(), c.err());
        Path out = tmp.resolve("onnxruntime");
        Result r = rnnport("run", onnx.toString(), "--backend", "onnxruntime", "--input", dir.resolve("input.npy").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String name : new String[] {"output", "h_n", "c_n"}) {
            dev.rnnport.testing.Closeness.assertClose(dev.rnnport.tensor.Npy.read(dir.resolve(name + ".npy")),
                    dev.rnnport.tensor.Npy.read(out.resolve(name + ".npy")), 1e-5, name);
        }
    }

    private void assertNothingWritten() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }
}

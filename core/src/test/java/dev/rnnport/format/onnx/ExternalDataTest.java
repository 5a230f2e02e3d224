package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initializers kept in external files, as onnx.save_model(save_as_external_data=True) writes them,
 * are read from the model's folder; locations that leave it (.., absolute, a symbolic link out)
 * and lengths past the file's end are refused in one line naming the tensor and the location.
 */
class ExternalDataTest {
    private static final Path HOSTILE = GraphCase.ROOT.resolve("hostile");

    @Test
    void externalInitializersAreRead() {
        GraphCase c = GraphCase.named("external/lstm.onnx", "LSTM_0");
        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(c.load(), c.inputs());
        Closeness.assertClose(c.npy("output.npy"), out.output(), 1e-5, "output");
        Closeness.assertClose(c.npy("c_n.npy"), out.cN(), 1e-5, "c_n");
    }

    @Test
    void aLocationOutsideTheFolderIsRefused() {
        assertRefused(HOSTILE.resolve("escape.onnx"), "initializer 'R' in external file '../../etc/passwd': leaves the model's folder");
        assertRefused(HOSTILE.resolve("absolute.onnx"), "initializer 'R' in external file '/etc/passwd': an absolute path");
    }

    @Test
    void aLengthPastTheEndIsRefused() throws Exception {
        long size = Files.size(HOSTILE.resolve("lstm.weights"));
        assertRefused(HOSTILE.resolve("past_end.onnx"), "initializer 'R' in external file 'lstm.weights': offset 192 + length "
                + size + " runs past the end of the file (" + size + " bytes)");
    }

    @Test
    void anOffsetPastTheEndIsRefused(@TempDir Path tmp) throws Exception {
        var model = OnnxFiles.readModel(GraphCase.ROOT.resolve("external/lstm.onnx"));
        var g = model.getGraph().toBuilder();
        var r = g.getInitializer(1).toBuilder();
        for (int i = 0; i < r.getExternalDataCount(); i++) {
            if (r.getExternalData(i).getKey().equals("offset")) {
                r.setExternalData(i, r.getExternalData(i).toBuilder().setValue("1000000"));
            }
        }
        g.setInitializer(1, r);
        Files.copy(GraphCase.ROOT.resolve("external/lstm.weights"), tmp.resolve("lstm.weights"));
        Path f = tmp.resolve("offset.onnx");
        Files.write(f, model.toBuilder().setGraph(g).build().toByteArray());
        assertRefused(f, "initializer 'R' in external file 'lstm.weights': offset 1000000 + length 144 runs past the end of the file");
    }

    @Test
    void aLengthThatDisagreesWithTheShapeIsRefused(@TempDir Path tmp) throws Exception {
        var model = OnnxFiles.readModel(GraphCase.ROOT.resolve("external/lstm.onnx"));
        var g = model.getGraph().toBuilder();
        var r = g.getInitializer(1).toBuilder();
        for (int i = 0; i < r.getExternalDataCount(); i++) {
            if (r.getExternalData(i).getKey().equals("length")) {
                r.setExternalData(i, r.getExternalData(i).toBuilder().setValue("100"));
            }
        }
        g.setInitializer(1, r);
        Files.copy(GraphCase.ROOT.resolve("external/lstm.weights"), tmp.resolve("lstm.weights"));
        Path f = tmp.resolve("short.onnx");
        Files.write(f, model.toBuilder().setGraph(g).build().toByteArray());
        assertRefused(f, "initializer 'R' in external file 'lstm.weights': length is 100 bytes, but its shape and type need 144");
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsRefused(@TempDir Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.copy(GraphCase.ROOT.resolve("external/lstm.weights"), outside.resolve("lstm.weights"));
        Path folder = Files.createDirectories(tmp.resolve("model"));
        Files.copy(GraphCase.ROOT.resolve("external/lstm.onnx"), folder.resolve("lstm.onnx"));
        Files.createSymbolicLink(folder.resolve("lstm.weights"), outside.resolve("lstm.weights"));
        assertRefused(folder.resolve("lstm.onnx"), "initializer 'W' in external file 'lstm.weights': a link to "
                + outside.resolve("lstm.weights").toRealPath() + ", outside the model's folder");
        // The same file inside the folder is fine.
        Files.delete(folder.resolve("lstm.weights"));
        Files.copy(outside.resolve("lstm.weights"), folder.resolve("lstm.weights"));
        assertEquals(3, dev.rnnport.Networks.load(folder.resolve("lstm.onnx")).config().hiddenSize());
    }

    @Test
    void aMissingDataFileIsNamed(@TempDir Path tmp) throws Exception {
        Files.copy(GraphCase.ROOT.resolve("external/lstm.onnx"), tmp.resolve("lstm.onnx"));
        assertRefused(tmp.resolve("lstm.onnx"), "initializer 'W' in external file 'lstm.weights': no such file beside the model");
    }

    static void assertRefused(Path model, String expected) {
        ModelException e = assertThrows(ModelException.class, () -> dev.rnnport.Networks.load(model));
        assertTrue(e.getMessage().startsWith(model + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}

package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.cli.Main;
import dev.rnnport.format.LoadOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Truncated and foreign files fail with one line naming the file, never with a stack trace. */
class DamagedFilesTest {

    static String refusal(Path file) {
        ModelException e = assertThrows(ModelException.class, () -> Networks.loadAll(file, LoadOptions.DEFAULTS));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    static Path truncated(Path source, double fraction, Path dir) throws IOException {
        byte[] all = Files.readAllBytes(source);
        Path out = dir.resolve("cut-" + (int) (fraction * 1000) + "-" + source.getFileName());
        Files.write(out, Arrays.copyOf(all, (int) (all.length * fraction)));
        return out;
    }

    @ParameterizedTest
    @CsvSource({"0.1", "0.5", "0.9", "0.999"})
    void truncatedZip(double fraction, @TempDir Path dir) throws IOException {
        String m = refusal(truncated(TORCH.resolve("checkpoint_lstm/model.pt"), fraction, dir));
        assertTrue(m.contains("not a readable zip archive"), m);
    }

    @ParameterizedTest
    @CsvSource({"0.005", "0.2", "0.6", "0.95", "0.9995"})
    void truncatedLegacy(double fraction, @TempDir Path dir) throws IOException {
        String m = refusal(truncated(TORCH.resolve("checkpoint_lstm/model_legacy.pt"), fraction, dir));
        assertTrue(m.contains("truncated") || m.contains("remain in the file") || m.contains("ends"), m);
    }

    @Test
    void zipThatIsNotTorch(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notes.pt");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("notes/readme.txt"));
            z.write("not a model".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertEquals(file + ": zip archive without <folder>/data.pkl: not written by torch.save or torch.jit.save", refusal(file));
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("empty.pt"));
        assertEquals(file + ": empty file, not a PyTorch file", refusal(file));
    }

    @Test
    void numpyFileRenamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("array.pt");
        Files.copy(TORCH.resolve("checkpoint_lstm/input.npy"), file);
        assertEquals(file + ": not a PyTorch file: neither a zip archive (torch.save since 1.6, torch.jit.save)"
                + " nor a legacy torch.save pickle stream", refusal(file));
    }

    @Test
    void plainPickleIsNotTorchSave() {
        Path file = TORCH.resolve("opcodes/protocol2.pkl");
        ModelException e = assertThrows(ModelException.class, () -> new TorchReader().read(file));
        assertEquals(file + ": not a torch.save file: it starts with a pickle of a builtins.dict, not torch's magic number (a plain pickle?)",
                e.getMessage());
    }

    /** The command line turns the refusal into exit code 3 and one line on stderr. */
    @Test
    void commandLineExitCode(@TempDir Path dir) {
        Path file = TORCH.resolve("hostile/os_system.pt");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute("inspect", file.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(Main.BAD_INPUT, code);
        assertEquals("rnnport: unsafe pickle in " + file + ": calls os.system", err.toString(StandardCharsets.UTF_8).trim());
    }
}

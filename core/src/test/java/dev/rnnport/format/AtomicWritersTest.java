package dev.rnnport.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.cli.Main;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outputs behave like a Unix tool's: created with the user's umask, written beside the target
 * and moved into place, and on a failure midway nothing partial remains and an existing output
 * is untouched. The failures are real: every stream the writers get fails after N bytes.
 */
class AtomicWritersTest {
    private static final Path DEMO = Path.of("testmodels", "demo", "lstm.safetensors");

    @TempDir
    Path tmp;

    @AfterEach
    void restoreStreams() {
        AtomicFiles.streamFilter = UnaryOperator.identity();
    }

    /** The umask of this process, as a child shell inherits and prints it. */
    static int umask() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor();
        return Integer.parseInt(s, 8);
    }

    static int mode(Path p) throws IOException {
        int m = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
            m |= 1 << (8 - perm.ordinal());
        }
        return m;
    }

    private static Path output(Path dir, ModelFormat f) {
        return dir.resolve("model." + f.formatName());
    }

    // A SavedModel is a folder that TensorFlow fills: SavedModelRoundTripTest checks it.
    @ParameterizedTest
    @EnumSource(value = ModelFormat.class, mode = EnumSource.Mode.EXCLUDE, names = "SAVEDMODEL")
    void convertedModelsGetTheUmaskPermissions(ModelFormat f) throws Exception {
        RecurrentNetwork net = Networks.load(DEMO);
        Path out = output(tmp.resolve("new/folder"), f);
        f.writer().write(net, out, WriteOptions.DEFAULTS);
        assertEquals(0666 & ~umask(), mode(out), Integer.toOctalString(mode(out)));
        assertEquals(0777 & ~umask(), mode(out.getParent()), "a folder the writer created");
        assertEquals(List.of(out.getFileName().toString()), names(out.getParent()), "nothing but the output remains");
    }

    @Test
    void npyAndRunOutputFoldersGetTheUmaskPermissions() throws Exception {
        Path x = tmp.resolve("x.npy");
        Npy.write(x, Tensor.of(DType.F32, new int[] {5, 1, 8}, new double[40]));
        assertEquals(0666 & ~umask(), mode(x));
        Path out = tmp.resolve("run-out");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "run", DEMO.toString(), "--input", x.toString(), "--out", out.toString());
        assertEquals(0, code, err.toString());
        assertEquals(0777 & ~umask(), mode(out));
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                assertEquals(0666 & ~umask(), mode(p), p.toString());
            }
        }
    }

    @Test
    void contentMayCloseItsStream() throws Exception {
        Path out = tmp.resolve("closed.bin");
        AtomicFiles.write(out, o -> {
            o.write(new byte[] {1, 2, 3});
            o.close(); // as a zip writer closing its wrapper does
        });
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out));
    }

    @Test
    void replacingAFileKeepsItsPermissions() throws Exception {
        Path out = tmp.resolve("model.safetensors");
        Files.write(out, new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        ModelFormat.SAFETENSORS.writer().write(Networks.load(DEMO), out, WriteOptions.DEFAULTS);
        assertEquals(0640, mode(out));
        assertTrue(Files.size(out) > 3, "the new content is in place");
    }

    /** A stream that takes {@code limit} bytes and then fails, as a full disk would. */
    static UnaryOperator<OutputStream> failAfter(long limit) {
        return out -> new FilterOutputStream(out) {
            private long written;

            @Override
            public void write(int b) throws IOException {
                check(1);
                out.write(b);
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int now = (int) Math.max(0, Math.min(len, limit - written));
                out.write(b, off, now);
                written += now;
                check(len - now);
            }

            private void check(int more) throws IOException {
                if (more > 0 && written + more > limit) {
                    throw new IOException("No space left on device (simulated after " + limit + " bytes)");
                }
            }
        };
    }

    @ParameterizedTest
    @EnumSource(value = ModelFormat.class, mode = EnumSource.Mode.EXCLUDE, names = "SAVEDMODEL")
    void aWriterFailingMidwayLeavesTheOldFileAndNoTemporary(ModelFormat f) throws Exception {
        RecurrentNetwork net = Networks.load(DEMO);
        Path out = output(tmp, f);
        byte[] old = "the previous output".getBytes(StandardCharsets.UTF_8);
        Files.write(out, old);
        for (long limit : new long[] {0, 1, 100, 1000}) {
            AtomicFiles.streamFilter = failAfter(limit);
            IOException e = assertThrows(IOException.class, () -> f.writer().write(net, out, WriteOptions.DEFAULTS),
                    f + " must fail when its stream fails after " + limit + " bytes");
            assertTrue(e.getMessage().contains("simulated"), e.getMessage());
            assertArrayEquals(old, Files.readAllBytes(out), f + ": the old output survives a failure after " + limit + " bytes");
            assertEquals(List.of(out.getFileName().toString()), names(tmp), "no temporary file remains");
        }
        AtomicFiles.streamFilter = UnaryOperator.identity();
        f.writer().write(net, out, WriteOptions.DEFAULTS);
        assertEquals(List.of(out.getFileName().toString()), names(tmp));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 10, 128})
    void npyFailingMidwayLeavesTheOldFile(long limit) throws Exception {
        Path out = tmp.resolve("h.npy");
        Tensor before = Tensor.of(DType.F32, new int[] {2}, new double[] {1, 2});
        Npy.write(out, before);
        byte[] old = Files.readAllBytes(out);
        AtomicFiles.streamFilter = failAfter(limit);
        assertThrows(IOException.class, () -> Npy.write(out, Tensor.of(DType.F64, new int[] {40}, new double[40])));
        assertArrayEquals(old, Files.readAllBytes(out));
        assertEquals(List.of("h.npy"), names(tmp));
    }

    @Test
    void aFolderWhoseFillingFailsLeavesTheOldFolder() throws Exception {
        Path target = tmp.resolve("out");
        Files.createDirectories(target);
        Files.writeString(target.resolve("output.npy"), "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFolder(target, dir -> {
            Files.writeString(dir.resolve("output.npy"), "new");
            throw new IOException("failed midway");
        }));
        assertEquals("failed midway", e.getMessage());
        assertEquals("old", Files.readString(target.resolve("output.npy")));
        assertEquals(List.of("out"), names(tmp), "no temporary folder remains");
        assertEquals(List.of("output.npy"), names(target));
    }

    @Test
    void aNewFolderWhoseFillingFailsLeavesNothing() throws Exception {
        Path target = tmp.resolve("fresh");
        assertThrows(IOException.class, () -> AtomicFiles.writeFolder(target, dir -> {
            Files.writeString(dir.resolve("a.npy"), "x");
            throw new IOException("failed midway");
        }));
        assertEquals(List.of(), names(tmp));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

}

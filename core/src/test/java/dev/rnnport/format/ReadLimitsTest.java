package dev.rnnport.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.format.safetensors.SafetensorsFile;
import dev.rnnport.tensor.Npy;
import dev.rnnport.util.ReadLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every size a reader takes from a file is checked against the file and against the byte cap
 * before memory of that size is taken; each refusal is one line that says what was claimed.
 */
class ReadLimitsTest {
    private static final Path DEMO = Path.of("testmodels", "demo", "lstm.safetensors");

    @TempDir
    Path tmp;

    static ModelException refused(Executable read) {
        ModelException e = assertThrows(ModelException.class, read);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void theByteCapIsReadFromTheSystemPropertyWithUnits() {
        String before = System.getProperty(ReadLimits.MAX_BYTES_PROPERTY);
        try {
            System.setProperty(ReadLimits.MAX_BYTES_PROPERTY, "12g");
            assertEquals(12L << 30, ReadLimits.defaults().maxBytes());
            System.setProperty(ReadLimits.MAX_BYTES_PROPERTY, "700k");
            assertEquals(700L << 10, ReadLimits.defaults().maxBytes());
            System.setProperty(ReadLimits.MAX_BYTES_PROPERTY, "lots");
            assertThrows(dev.rnnport.UsageException.class, ReadLimits::defaults);
        } finally {
            if (before == null) {
                System.clearProperty(ReadLimits.MAX_BYTES_PROPERTY);
            } else {
                System.setProperty(ReadLimits.MAX_BYTES_PROPERTY, before);
            }
        }
    }

    @Test
    void safetensorsValuesBeyondTheCapAreRefusedBeforeReading() throws IOException {
        long size = Files.size(DEMO);
        ModelException e = refused(() -> SafetensorsFile.read(DEMO, new ReadLimits(size, 10, 10)));
        assertTrue(e.getMessage().startsWith(DEMO + ": reading its 16 tensors needs 116736 bytes, more than the "), e.getMessage());
        assertTrue(e.getMessage().contains("-Drnnport.maxReadBytes=SIZE"), e.getMessage());
        SafetensorsFile.read(DEMO, new ReadLimits(64 * size, 10, 10));
    }

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void safetensorsDimensionBeyondAnArrayIsRefused() throws IOException {
        Path f = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,0],\"data_offsets\":[0,0]}}", 0);
        ModelException e = refused(() -> SafetensorsFile.read(f));
        assertEquals(f + ": tensor w: shape dimension 1099511627776 is larger than rnnport can hold", e.getMessage());
    }

    @Test
    void safetensorsRankIsBounded() throws IOException {
        Path f = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(100) + "1],\"data_offsets\":[0,4]}}", 4);
        assertTrue(refused(() -> SafetensorsFile.read(f)).getMessage().contains("101 dimensions"));
    }

    @Test
    void safetensorsHeaderNestingIsBounded() throws IOException {
        Path f = safetensors("{\"__metadata__\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 0);
        assertTrue(refused(() -> SafetensorsFile.read(f)).getMessage().contains("not valid JSON"));
    }

    private Path npy(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        Path f = tmp.resolve("x.npy");
        Files.write(f, b.array());
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, -4), }|negative dimension -1",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647, 2147483647), }|64 bits",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, ), }|integers below 2^31",
        "{'descr': '', 'fortran_order': False, 'shape': (4, ), }|unsupported dtype ''",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 2), }|needs 8589934592 data bytes, the file has 16"})
    void npyHeaderClaimsAreChecked(String caseText) throws IOException {
        String[] parts = caseText.split("\\|");
        Path f = npy(parts[0] + "\n", 16);
        ModelException e = refused(() -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(parts[1]), e.getMessage());
    }

    @Test
    void npyBeyondTheCapIsRefusedBeforeReading() throws IOException {
        Path f = npy("{'descr': '<i1', 'fortran_order': False, 'shape': (1000, ), }\n", 1000);
        ModelException e = refused(() -> Npy.read(f, new ReadLimits(4000, 1, 1)));
        assertTrue(e.getMessage().contains("shape [1000] of <i1 needs"), e.getMessage());
        assertEquals(1000, Npy.read(f, new ReadLimits(1 << 20, 1, 1)).size());
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "archive/../../evil", "/etc/evil", "C:/evil", "archive\\..\\evil"})
    void zipEntriesOutsideTheArchiveAreRefused(String name) throws IOException {
        Path f = tmp.resolve("m.pt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            stored(z, "archive/data.pkl", new byte[] {(byte) 0x80, 2, '}', '.'});
            stored(z, name, new byte[1]);
        }
        ModelException e = refused(() -> Networks.loadAll(f, LoadOptions.DEFAULTS));
        assertEquals(f + ": zip entry '" + name + "' is an absolute path or climbs out of the archive (../); refused",
                e.getMessage());
    }

    @Test
    void zipWithTooManyEntriesIsRefused() throws IOException {
        Path f = tmp.resolve("many.pt");
        int n = ReadLimits.defaults().maxZipEntries() + 1;
        try (ZipOutputStream z = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
            stored(z, "archive/data.pkl", new byte[] {(byte) 0x80, 2, '}', '.'});
            for (int i = 1; i < n; i++) {
                stored(z, "archive/data/" + i, new byte[0]);
            }
        }
        ModelException e = refused(() -> Networks.loadAll(f, LoadOptions.DEFAULTS));
        assertEquals(f + ": zip archive lists " + n + " entries, more than the " + (n - 1)
                + " a PyTorch file may have (a zip bomb?)", e.getMessage());
    }

    @Test
    void zipRecordInflatingBeyondTheRatioIsRefused() throws IOException {
        Path f = tmp.resolve("bomb.pt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.setLevel(9);
            stored(z, "archive/data.pkl", new byte[] {(byte) 0x80, 2, '}', '.'});
            z.putNextEntry(new ZipEntry("archive/data/0"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 70; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        ModelException e = refused(() -> Networks.loadAll(f, LoadOptions.DEFAULTS));
        assertTrue(e.getMessage().startsWith(f + ": zip record archive/data/0 claims 73400320 bytes from "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(a zip bomb?)"), e.getMessage());
        assertTrue(Files.size(f) < (1 << 20), "the bomb itself is small");
    }

}

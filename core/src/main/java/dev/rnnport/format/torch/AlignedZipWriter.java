package dev.rnnport.format.torch;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip the way PyTorch's archive writer does: every record stored (not deflated), its
 * data starting at a multiple of 64 bytes, reached by padding the local header with an extra
 * field whose id is "FB". Aligned records can be memory-mapped by readers such as
 * torch.load(mmap=True).
 */
final class AlignedZipWriter implements AutoCloseable {
    static final int ALIGNMENT = 64;
    private static final int LOCAL_HEADER = 30;
    private static final long DOS_1980 = java.time.LocalDateTime.of(1980, 1, 1, 0, 0)
            .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();

    private final Counting counting;
    private final ZipOutputStream zip;

    AlignedZipWriter(OutputStream out) {
        counting = new Counting(out);
        zip = new ZipOutputStream(counting, StandardCharsets.UTF_8);
    }

    void add(String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(DOS_1980);
        int nameLength = name.getBytes(StandardCharsets.UTF_8).length;
        long start = counting.count + LOCAL_HEADER + nameLength + 4;
        int padding = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + padding];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) padding;
        extra[3] = (byte) (padding >>> 8);
        java.util.Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        e.setExtra(extra);
        zip.putNextEntry(e);
        if (counting.count % ALIGNMENT != 0) {
            throw new IllegalStateException("zip record " + name + " would start at " + counting.count
                    + ", not a multiple of " + ALIGNMENT);
        }
        zip.write(data);
        zip.closeEntry();
    }

    @Override
    public void close() throws IOException {
        zip.finish();
        zip.flush();
    }

    /** Counts bytes so the next local header's position is known before it is written. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}

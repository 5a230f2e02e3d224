package dev.rnnport.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Bad files for the command line's error tests, made byte by byte in each format's own layout. */
final class TestFiles {
    private TestFiles() {
    }

    /**
     * An .npy file (format 1.0) as numpy.save writes it: magic, header dict padded to 64 bytes, data.
     *
     * @param descr numpy's dtype string, '&lt;f4' or '&lt;i8'
     */
    static Path npy(Path file, String descr, int[] shape) throws IOException {
        String dims = shape.length == 1 ? shape[0] + "," : String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList());
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        long count = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        int itemSize = Integer.parseInt(descr.substring(2));
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + (int) count * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(file, b.array());
        return file;
    }

    /**
     * {@code source}, a safetensors file, with {@code key: value} set in its {@code __metadata__}
     * (by editing the JSON header's text, so the tensors' offsets stay as they are).
     */
    static Path withMetadata(Path source, Path file, String key, String value) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip();
        String entry = "\"" + key + "\":\"" + value + "\"";
        String edited = header.contains("\"" + key + "\":")
                ? header.replaceAll("\"" + key + "\":\"[^\"]*\"", entry)
                : header.replace("\"__metadata__\":{", "\"__metadata__\":{" + entry + ",");
        if (edited.equals(header)) {
            throw new IllegalStateException(source + " has no __metadata__ to edit");
        }
        byte[] h = edited.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(h);
        out.put(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
        out.put(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
        Files.write(file, out.array());
        return file;
    }

    /** The first {@code keep} bytes of {@code source}. */
    static Path truncated(Path source, Path file, int keep) throws IOException {
        Files.write(file, Arrays.copyOf(Files.readAllBytes(source), keep));
        return file;
    }
}

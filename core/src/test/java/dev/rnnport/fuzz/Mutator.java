package dev.rnnport.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A seeded, structure-aware mutator: bit flips, byte runs inserted and deleted, integer fields
 * set to boundary values in either byte order, truncation, tokens of the format spliced in, whole
 * pickle opcodes cut, repeated or spliced from another seed, and zip archives taken apart so that
 * one record's bytes, name or declared sizes are corrupted. The same seed gives the same inputs.
 */
final class Mutator {
    private static final long[] BOUNDARIES = {0, 1, 2, 7, 8, 15, 16, 255, 256, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
        0x7fffffffL, 0x80000000L, 0xffffffffL, 1L << 32, 1L << 53, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2, 1000, 4096};

    private final Random random;
    private final List<byte[]> tokens;
    private final List<byte[]> donors;

    /** {@code donors} are other seeds whose pieces may be spliced in. */
    Mutator(long seed, List<byte[]> tokens, List<byte[]> donors) {
        this.random = new Random(seed);
        this.tokens = tokens;
        this.donors = donors;
    }

    /** One to four mutations of {@code input}. */
    byte[] mutate(byte[] input) {
        byte[] b = input;
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b);
        }
        return b;
    }

    private byte[] once(byte[] b) {
        if (isZip(b) && random.nextInt(3) > 0) {
            byte[] z = mutateZip(b);
            if (z != null) {
                return z;
            }
        }
        if (looksLikePickle(b) && random.nextInt(3) == 0) {
            return mutatePickle(b, 0);
        }
        return mutateBytes(b);
    }

    byte[] mutateBytes(byte[] b) {
        if (b.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        switch (random.nextInt(7)) {
            case 0: {
                byte[] c = b.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(c.length);
                    c[at] ^= (byte) (1 << random.nextInt(8));
                }
                return c;
            }
            case 1: {
                int at = random.nextInt(b.length + 1);
                byte[] run = new byte[1 + random.nextInt(16)];
                if (random.nextBoolean()) {
                    random.nextBytes(run);
                } else {
                    Arrays.fill(run, (byte) random.nextInt(256));
                }
                return splice(b, at, at, run);
            }
            case 2: {
                int at = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(64, b.length - at));
                return splice(b, at, at + len, new byte[0]);
            }
            case 3:
                return integerField(b);
            case 4:
                return Arrays.copyOf(b, random.nextInt(b.length));
            case 5: {
                byte[] t = tokens.isEmpty() ? new byte[] {0} : tokens.get(random.nextInt(tokens.size()));
                int at = random.nextInt(b.length + 1);
                boolean overwrite = random.nextBoolean();
                return splice(b, at, overwrite ? Math.min(b.length, at + t.length) : at, t);
            }
            default: {
                // Repeat a chunk: grows lists, headers and nesting.
                int at = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(256, b.length - at));
                byte[] chunk = Arrays.copyOfRange(b, at, at + len);
                int times = 1 + random.nextInt(8);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, at + len);
                for (int i = 0; i < times; i++) {
                    out.writeBytes(chunk);
                }
                out.write(b, at + len, b.length - at - len);
                return out.toByteArray();
            }
        }
    }

    /** An integer of 1, 2, 4 or 8 bytes at a random offset set to a boundary value, little- or big-endian. */
    private byte[] integerField(byte[] b) {
        int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
        if (b.length < width) {
            return b;
        }
        long v = random.nextInt(4) == 0 ? b.length + random.nextInt(17) - 8 : BOUNDARIES[random.nextInt(BOUNDARIES.length)];
        int at = random.nextInt(b.length - width + 1);
        byte[] c = b.clone();
        boolean little = random.nextInt(4) > 0;
        for (int i = 0; i < width; i++) {
            c[at + (little ? i : width - 1 - i)] = (byte) (v >>> (8 * i));
        }
        return c;
    }

    // ------------------------------------------------------------------ pickles

    private static boolean looksLikePickle(byte[] b) {
        return b.length > 2 && ((b[0] & 0xff) == 0x80 || b[0] == 'L' || b[0] == '(' || b[0] == '}');
    }

    /** Cuts, repeats or splices whole opcodes of the pickle starting at {@code from}. */
    byte[] mutatePickle(byte[] b, int from) {
        List<Integer> ops = PickleOpcodes.boundaries(b, from);
        if (ops.size() < 3) {
            return mutateBytes(b);
        }
        int i = random.nextInt(ops.size() - 1);
        int j = i + 1 + random.nextInt(Math.min(8, ops.size() - 1 - i));
        int start = ops.get(i);
        int end = ops.get(j);
        switch (random.nextInt(3)) {
            case 0:
                return splice(b, start, end, new byte[0]);
            case 1:
                return splice(b, end, end, Arrays.copyOfRange(b, start, end));
            default: {
                byte[] donor = donors.isEmpty() ? b : donors.get(random.nextInt(donors.size()));
                int offset = isZip(donor) ? 0 : 0;
                List<Integer> dops = PickleOpcodes.boundaries(donor, offset);
                if (dops.size() < 2) {
                    return mutateBytes(b);
                }
                int k = random.nextInt(dops.size() - 1);
                int l = k + 1 + random.nextInt(Math.min(8, dops.size() - 1 - k));
                return splice(b, start, random.nextBoolean() ? start : end, Arrays.copyOfRange(donor, dops.get(k), dops.get(l)));
            }
        }
    }

    // ------------------------------------------------------------------ zip archives

    static boolean isZip(byte[] b) {
        return b.length > 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    private record Record(String name, byte[] data, boolean stored) {
    }

    /**
     * Takes the archive apart and writes it again with one record changed: its bytes mutated
     * (opcode-aware for a pickle), its name changed, dropped, duplicated under another name, or its
     * declared sizes in the written archive corrupted. Null if the archive does not come apart.
     */
    private byte[] mutateZip(byte[] b) {
        List<Record> records = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(b))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                records.add(new Record(e.getName(), in.readNBytes(1 << 22), e.getMethod() == ZipEntry.STORED));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (records.isEmpty()) {
            return null;
        }
        int pick = random.nextInt(records.size());
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).name().endsWith(".pkl") && random.nextBoolean()) {
                pick = i;
            }
        }
        Record r = records.get(pick);
        switch (random.nextInt(6)) {
            case 0, 1 -> records.set(pick, new Record(r.name(), r.name().endsWith(".pkl") && random.nextBoolean()
                    ? mutatePickle(r.data(), 0) : mutateBytes(r.data()), r.stored()));
            case 2 -> records.set(pick, new Record(renamed(r.name()), r.data(), r.stored()));
            case 3 -> records.remove(pick);
            case 4 -> records.add(new Record(r.name().replace("data.pkl", "x/data.pkl"), r.data(), !r.stored()));
            default -> {
                byte[] whole = write(records);
                return corruptHeaders(whole);
            }
        }
        return write(records);
    }

    private String renamed(String name) {
        String[] options = {"../" + name, "/" + name, name + "x", name.replace("archive", "other"), name.toUpperCase(),
            "data.pkl", name.replace("data/", "data/9")};
        return options[random.nextInt(options.length)];
    }

    private static byte[] write(List<Record> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Record r : records) {
                if (!names.add(r.name())) {
                    continue;
                }
                ZipEntry e = new ZipEntry(r.name());
                if (r.stored()) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(r.data().length);
                    CRC32 crc = new CRC32();
                    crc.update(r.data());
                    e.setCrc(crc.getValue());
                }
                out.putNextEntry(e);
                out.write(r.data());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Sets a size, offset or count field of a local or central header to a boundary value. */
    private byte[] corruptHeaders(byte[] b) {
        List<int[]> fields = new ArrayList<>();
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K') {
                if (b[i + 2] == 1 && b[i + 3] == 2) {
                    fields.add(new int[] {i + 20, 4}); // compressed size
                    fields.add(new int[] {i + 24, 4}); // uncompressed size
                    fields.add(new int[] {i + 28, 2}); // name length
                    fields.add(new int[] {i + 42, 4}); // local header offset
                } else if (b[i + 2] == 3 && b[i + 3] == 4) {
                    fields.add(new int[] {i + 18, 4});
                    fields.add(new int[] {i + 22, 4});
                    fields.add(new int[] {i + 26, 2});
                } else if (b[i + 2] == 5 && b[i + 3] == 6) {
                    fields.add(new int[] {i + 10, 2}); // total entries
                    fields.add(new int[] {i + 12, 4}); // central directory size
                    fields.add(new int[] {i + 16, 4}); // central directory offset
                }
            }
        }
        if (fields.isEmpty()) {
            return mutateBytes(b);
        }
        int[] f = fields.get(random.nextInt(fields.size()));
        if (f[0] + f[1] > b.length) {
            return b;
        }
        long v = BOUNDARIES[random.nextInt(BOUNDARIES.length)];
        byte[] c = b.clone();
        for (int i = 0; i < f[1]; i++) {
            c[f[0] + i] = (byte) (v >>> (8 * i));
        }
        return c;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }
}

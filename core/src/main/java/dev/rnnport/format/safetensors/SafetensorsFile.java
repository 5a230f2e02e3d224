package dev.rnnport.format.safetensors;

import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import dev.rnnport.util.ReadLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N
 * bytes of JSON mapping each tensor name to dtype, shape and [begin, end) offsets into the data
 * that follows, and an optional {@code __metadata__} object of strings.
 *
 * <p>Everything the header claims is checked against the file's size before any tensor memory
 * is allocated, and the tensors must tile the data area exactly, as the format requires.
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Larger headers are refused before reading: real ones are kilobytes. */
    static final long MAX_HEADER = 100L << 20;
    /** Entries in one header; a model with more tensors than this is no recurrent network. */
    static final int MAX_TENSORS = 1_000_000;

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    public static SafetensorsFile read(Path file) throws IOException {
        return read(file, ReadLimits.defaults());
    }

    /**
     * Reads every tensor. The header length is checked against the file and {@link #MAX_HEADER},
     * every offset against the data area, and the memory the decoded values take against
     * {@code limits}, all before anything of that size is allocated.
     */
    public static SafetensorsFile read(Path file, ReadLimits limits) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelException(file + ": truncated safetensors file: " + size + " bytes, the header length alone takes 8");
            }
            long n = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > size - 8 || n > MAX_HEADER) {
                throw new ModelException(file + ": safetensors header length " + Long.toUnsignedString(n)
                        + (n > MAX_HEADER && n <= size - 8 ? " is more than the " + ReadLimits.mib(MAX_HEADER) + " a header may take"
                        : " does not fit the file (" + size + " bytes)"));
            }
            limits.checkBytes(3 * n, file + ": safetensors header of " + n + " bytes");
            String header = StandardCharsets.UTF_8.decode(readFully(ch, 8, (int) n)).toString();
            long dataStart = 8 + n;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            parseHeader(file, header, size - dataStart, entries, metadata);
            long decoded = 0;
            for (Entry e : entries) {
                // The raw bytes and the decoded values (8 bytes each) are held together while decoding.
                decoded += Shapes.size(e.shape) * 8 + (e.end - e.begin);
            }
            limits.checkBytes(decoded, file + ": reading its " + entries.size() + " tensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                tensors.put(e.name, readTensor(ch, dataStart + e.begin, e, chunk));
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    /** Bytes read from the file at a time: the values are decoded chunk by chunk, never held whole as bytes. */
    private static final int CHUNK = 1 << 20;

    /** One tensor's values, float32 kept as floats, read through {@code chunk} (outside the heap). */
    private static Tensor readTensor(FileChannel ch, long position, Entry e, ByteBuffer chunk) throws IOException {
        int count = Math.toIntExact(Shapes.size(e.shape));
        int width = e.dtype.bytes();
        float[] floats = e.dtype == DType.F32 ? new float[count] : null;
        double[] doubles = floats == null ? new double[count] : null;
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, CHUNK / width);
            chunk.clear().limit(n * width);
            while (chunk.hasRemaining()) {
                if (ch.read(chunk, position + (long) done * width + chunk.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            chunk.flip();
            if (floats != null) {
                chunk.asFloatBuffer().get(floats, done, n);
            } else {
                System.arraycopy(RawValues.decode(chunk, e.dtype, n), 0, doubles, done, n);
            }
            done += n;
        }
        return floats != null ? Tensor.ofFloats(e.shape, floats) : Tensor.of(e.dtype, e.shape, doubles);
    }

    private static void parseHeader(Path file, String header, long dataSize, List<Entry> entries, Map<String, String> metadata) {
        Object parsed;
        try {
            parsed = Json.parse(header.stripTrailing());
        } catch (IllegalArgumentException e) {
            throw new ModelException(file + ": safetensors header is not valid JSON: " + e.getMessage());
        }
        if (parsed instanceof Map<?, ?> m && m.size() > MAX_TENSORS) {
            throw new ModelException(file + ": safetensors header lists " + m.size() + " tensors, more than the "
                    + MAX_TENSORS + " rnnport reads");
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new ModelException(file + ": safetensors header is not a JSON object");
        }
        for (Map.Entry<?, ?> kv : root.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals("__metadata__")) {
                if (!(kv.getValue() instanceof Map<?, ?> m)) {
                    throw new ModelException(file + ": __metadata__ is not an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new ModelException(file + ": __metadata__ value for '" + me.getKey() + "' is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            entries.add(entry(file, name, kv.getValue(), dataSize));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : entries) {
            if (e.begin != expectedBegin) {
                throw new ModelException(file + ": tensor " + e.name + " starts at data offset " + e.begin
                        + ", expected " + expectedBegin + " (tensors overlap or leave a gap)");
            }
            expectedBegin = e.end;
        }
        if (expectedBegin != dataSize) {
            throw new ModelException(file + ": tensors cover " + expectedBegin + " data bytes but the file holds "
                    + dataSize + (dataSize < expectedBegin ? " (truncated)" : ""));
        }
    }

    private static Entry entry(Path file, String name, Object value, long dataSize) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new ModelException(file + ": tensor " + name + ": header entry is not an object");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(String.valueOf(m.get("dtype")));
        } catch (IllegalArgumentException e) {
            throw new ModelException(file + ": tensor " + name + ": unsupported dtype " + m.get("dtype")
                    + " (expected F32, F64, F16, BF16 or an integer type)");
        }
        List<Long> dims = longs(file, name, "shape", m.get("shape"), -1);
        if (dims.size() > ReadLimits.MAX_RANK) {
            throw new ModelException(file + ": tensor " + name + ": shape has " + dims.size() + " dimensions, more than "
                    + ReadLimits.MAX_RANK);
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (dims.get(i) > Integer.MAX_VALUE - 8) {
                throw new ModelException(file + ": tensor " + name + ": shape dimension " + dims.get(i)
                        + " is larger than rnnport can hold");
            }
            shape[i] = (int) (long) dims.get(i);
        }
        List<Long> off = longs(file, name, "data_offsets", m.get("data_offsets"), 2);
        long begin = off.get(0);
        long end = off.get(1);
        if (begin > end || end > dataSize) {
            throw new ModelException(file + ": tensor " + name + ": data_offsets [" + begin + ", " + end
                    + "] lie outside the " + dataSize + " data bytes of the file (truncated or corrupt)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Shapes.size(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new ModelException(file + ": tensor " + name + ": shape " + Shapes.format(shape) + " is too large");
        }
        if (bytes != end - begin) {
            throw new ModelException(file + ": tensor " + name + ": shape " + Shapes.format(shape) + " of " + dtype
                    + " needs " + bytes + " bytes, data_offsets give " + (end - begin));
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new ModelException(file + ": tensor " + name + " is larger than 2 GiB");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static List<Long> longs(Path file, String tensor, String field, Object v, int count) {
        if (!(v instanceof List<?> l) || (count >= 0 && l.size() != count)) {
            throw new ModelException(file + ": tensor " + tensor + ": " + field + " is " + v
                    + ", expected a list of " + (count >= 0 ? count + " " : "") + "integers");
        }
        List<Long> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Long x) || x < 0 || x > (1L << 50)) {
                throw new ModelException(file + ": tensor " + tensor + ": " + field + " holds " + o
                        + ", expected a non-negative integer");
            }
            out.add(x);
        }
        return out;
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    /**
     * The bytes safetensors' own writer produces: metadata first, tensors ordered by alignment
     * (wider dtypes first) then by name, header padded with spaces to a multiple of 8.
     */
    public byte[] toBytes() {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -e.getValue().dtype().bytes())
                .thenComparing(Map.Entry::getKey));
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            metadata.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> h.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue())).append(','));
            h.setCharAt(h.length() - 1, '}');
            h.append(',');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : order) {
            Tensor t = e.getValue();
            long bytes = (long) t.size() * t.dtype().bytes();
            h.append(Json.quote(e.getKey())).append(":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":")
                    .append(Shapes.format(t.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]},");
            offset += bytes;
        }
        h.setCharAt(h.length() - 1, '}');
        if (order.isEmpty() && metadata.isEmpty()) {
            h.append('}');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (Map.Entry<String, Tensor> e : order) {
            RawValues.encode(b, e.getValue().data(), e.getValue().dtype());
        }
        return b.array();
    }
}

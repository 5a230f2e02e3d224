package dev.rnnport.format.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format's rules and the reader's refusals; values against PyTorch are checked by GridTest. */
class SafetensorsFileTest {
    @TempDir
    Path tmp;

    /** A byte-level safetensors file with the given JSON header and data. */
    private Path file(String name, String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static Tensor ones(int... shape) {
        double[] v = new double[Arrays.stream(shape).reduce(1, (a, c) -> a * c)];
        Arrays.fill(v, 1);
        return Tensor.of(DType.F32, shape, v);
    }

    private Path stateDict(String name, Map<String, Tensor> tensors) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, new SafetensorsFile(tensors, Map.of()).toBytes());
        return p;
    }

    @Test
    void readsHandWrittenHeaderWithAllFloatTypes() throws Exception {
        // 1.0 as F32, F64, F16 (0x3c00) and BF16 (0x3f80), little-endian.
        ByteBuffer d = ByteBuffer.allocate(4 + 8 + 2 + 2).order(ByteOrder.LITTLE_ENDIAN);
        d.putFloat(1f).putDouble(-2.5).putShort((short) 0x3c00).putShort((short) 0x3f80);
        Path p = file("types.safetensors", "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]},"
                + "\"c\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[12,14]},"
                + "\"d\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[14,16]}}  ", d.array());
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(1.0, f.tensors().get("a").data()[0]);
        assertEquals(-2.5, f.tensors().get("b").data()[0]);
        assertEquals(1.0, f.tensors().get("c").data()[0]);
        assertArrayEquals(new int[] {1, 1}, f.tensors().get("c").shape());
        assertEquals(1.0, f.tensors().get("d").data()[0]);
    }

    @Test
    void writesHeaderPaddedToEightBytesWithWiderTypesFirst() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", ones(2));
        t.put("a", Tensor.of(DType.F64, new int[] {1}, new double[] {3}));
        t.put("c", ones(1));
        byte[] bytes = new SafetensorsFile(t, Map.of("format", "pt")).toBytes();
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}", header.stripTrailing());
        assertEquals(8 + n + 20, bytes.length);
    }

    @Test
    void refusesTruncatedFile() throws Exception {
        Path p = file("cut.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[10]);
        assertTrue(message(p).contains("tensor a: data_offsets [0, 16] lie outside the 10 data bytes of the file (truncated or corrupt)"), message(p));
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(message(tiny).contains("truncated safetensors file: 3 bytes"));
    }

    @Test
    void refusesHeaderLengthBeyondTheFile() throws Exception {
        Path p = tmp.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).put("{}      ".getBytes());
        Files.write(p, b.array());
        assertTrue(message(p).contains("header length 9223372036854775807 does not fit the file (16 bytes)"), message(p));
    }

    @Test
    void refusesOffsetsThatLie() throws Exception {
        Path outside = file("outside.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4000000000]}}", new byte[4]);
        assertTrue(message(outside).contains("tensor a: data_offsets [0, 4000000000] lie outside the 4 data bytes"), message(outside));
        Path shape = file("shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertTrue(message(shape).contains("tensor a: shape [3] of F32 needs 12 bytes, data_offsets give 8"), message(shape));
        Path overlap = file("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        assertTrue(message(overlap).contains("overlap or leave a gap"), message(overlap));
        Path json = file("json.safetensors", "{\"a\":", new byte[0]);
        assertTrue(message(json).contains("not valid JSON"), message(json));
    }

    @Test
    void refusesMissingTensorNamingIt() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("rnn.weight_ih_l0", ones(12, 2));
        t.put("rnn.weight_hh_l0", ones(12, 4));
        t.put("rnn.bias_ih_l0", ones(12));
        Path p = stateDict("missing.safetensors", t);
        assertTrue(message(p).endsWith("network 'rnn.': tensor rnn.bias_hh_l0 is missing"), message(p));
    }

    @Test
    void refusesHiddenSizesThatDisagree() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("weight_ih_l0", ones(16, 2));
        t.put("weight_hh_l0", ones(16, 4));
        t.put("weight_ih_l1", ones(16, 4));
        t.put("weight_hh_l1", ones(16, 5));
        Path p = stateDict("hidden.safetensors", t);
        assertTrue(message(p).contains("layer 1 forward: tensor weight_hh_l1 has shape [16, 5], expected [16, 4]"), message(p));
    }

    private static String message(Path p) {
        return assertThrows(ModelException.class, () -> Networks.load(p)).getMessage();
    }
}

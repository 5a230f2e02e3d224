package dev.rnnport.format.keras;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal HDF5 writer for what Keras files hold: groups, float32/float64 datasets and string or
 * list-of-string attributes. jhdf's own writer produced files that neither h5py nor jhdf could
 * read once an empty group (Keras 3's {@code vars}) followed a group with data, so the few
 * structures needed are written here, following the HDF5 File Format Specification version 3:
 *
 * <ul>
 *   <li>superblock version 2 (offsets and lengths of 8 bytes, Jenkins lookup3 checksum);</li>
 *   <li>version 2 object headers ({@code OHDR}, checksummed), one chunk;</li>
 *   <li>groups in the compact "new style": a Link Info and a Group Info message, then one hard Link
 *       message per child;</li>
 *   <li>datasets: Dataspace (version 2), Datatype (IEEE little-endian float, version 1), Fill Value
 *       (version 3, none defined), contiguous Data Layout (version 3), data right after the header;</li>
 *   <li>attributes (version 3): fixed-length, null-padded strings, scalar or one-dimensional, as h5py
 *       stores numpy bytes and as Keras writes {@code layer_names} and {@code weight_names}.</li>
 * </ul>
 * Everything is little-endian. Objects are laid out depth first, each header followed by its data.
 */
final class Hdf5Writer {
    private static final long UNDEFINED = -1L;
    private static final int SUPERBLOCK_SIZE = 48;

    /** A group: attributes and children, both in insertion order. */
    static final class Group {
        final Map<String, Object> attributes = new LinkedHashMap<>();
        final Map<String, Object> children = new LinkedHashMap<>();

        /** The child group {@code name}, created when absent. */
        Group group(String name) {
            Object o = children.computeIfAbsent(name, k -> new Group());
            if (!(o instanceof Group g)) {
                throw new IllegalStateException(name + " is a dataset, not a group");
            }
            return g;
        }

        /** A group at a '/'-separated path, creating the groups on the way. */
        Group groupAt(String path) {
            Group g = this;
            for (String part : path.split("/")) {
                if (!part.isEmpty()) {
                    g = g.group(part);
                }
            }
            return g;
        }

        /** A float dataset; the name may be a path ("a/b/kernel:0"), its groups are created. */
        void dataset(String path, Tensor value) {
            int slash = path.lastIndexOf('/');
            Group parent = slash < 0 ? this : groupAt(path.substring(0, slash));
            parent.children.put(path.substring(slash + 1), value);
        }

        /** A string attribute. */
        void attribute(String name, String value) {
            attributes.put(name, value);
        }

        /**
         * A list-of-strings attribute. An empty list is stored as numpy stores {@code np.array([])}, an
         * empty float64 array: what Keras writes as the weight_names of a layer without weights.
         */
        void attribute(String name, List<String> values) {
            attributes.put(name, List.copyOf(values));
        }
    }

    private Hdf5Writer() {
    }

    /** The bytes of an HDF5 file whose root group is {@code root}. */
    static byte[] write(Group root) {
        Map<Object, Long> address = new java.util.IdentityHashMap<>();
        long end = layout(root, SUPERBLOCK_SIZE, address);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(end)).order(ByteOrder.LITTLE_ENDIAN);
        // Superblock version 2.
        out.put(Hdf5.SIGNATURE);
        out.put((byte) 2).put((byte) 8).put((byte) 8).put((byte) 0);
        out.putLong(0).putLong(UNDEFINED).putLong(end).putLong(address.get(root));
        out.putInt(lookup3(out.array(), 0, SUPERBLOCK_SIZE - 4));
        emit(root, address, out);
        return out.array();
    }

    /** Assigns addresses depth first; returns the end of the file. */
    private static long layout(Object node, long at, Map<Object, Long> address) {
        address.put(node, at);
        long cursor = at + header(node, address, true).length;
        if (node instanceof Tensor t) {
            return cursor + dataBytes(t);
        }
        for (Object child : ((Group) node).children.values()) {
            cursor = layout(child, cursor, address);
        }
        return cursor;
    }

    private static void emit(Object node, Map<Object, Long> address, ByteBuffer out) {
        out.position(Math.toIntExact(address.get(node)));
        out.put(header(node, address, false));
        if (node instanceof Tensor t) {
            boolean f32 = t.dtype() != DType.F64;
            for (double v : t.data()) {
                if (f32) {
                    out.putFloat((float) v);
                } else {
                    out.putDouble(v);
                }
            }
            return;
        }
        for (Object child : ((Group) node).children.values()) {
            emit(child, address, out);
        }
    }

    private static long dataBytes(Tensor t) {
        return (long) t.size() * (t.dtype() == DType.F64 ? 8 : 4);
    }

    /** A node's object header. While sizing, addresses are not known yet and are written as 0. */
    private static byte[] header(Object node, Map<Object, Long> address, boolean sizing) {
        if (node instanceof Tensor t) {
            byte[] sized = datasetHeader(t, 0);
            // The data follows its own header, whose size does not depend on the address written in it.
            return sizing ? sized : datasetHeader(t, address.get(node) + sized.length);
        }
        Group g = (Group) node;
        Messages m = new Messages();
        Buf linkInfo = new Buf();
        linkInfo.u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED); // no fractal heap, no name index: compact links
        m.add(0x0002, linkInfo.bytes());
        m.add(0x000A, new byte[] {0, 0}); // Group Info: defaults
        for (Map.Entry<String, Object> c : g.children.entrySet()) {
            byte[] name = c.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length > 255) {
                throw new IllegalArgumentException("HDF5 link name longer than 255 bytes: " + c.getKey());
            }
            Buf link = new Buf();
            link.u8(1).u8(0x10).u8(1); // version 1, charset field present: UTF-8; hard link
            link.u8(name.length).raw(name);
            Long a = address.get(c.getValue());
            link.u64(sizing || a == null ? 0 : a);
            m.add(0x0006, link.bytes());
        }
        for (Map.Entry<String, Object> a : g.attributes.entrySet()) {
            m.add(0x000C, attribute(a.getKey(), a.getValue()));
        }
        return m.header();
    }

    private static byte[] datasetHeader(Tensor t, long dataAt) {
        Messages m = new Messages();
        m.add(0x0001, dataspace(t.shape()));
        m.add(0x0003, floatType(t.dtype() == DType.F64));
        m.add(0x0005, new byte[] {3, 0x09}); // version 3, allocated early, written if set, no fill value
        Buf layout = new Buf();
        layout.u8(3).u8(1).u64(dataAt).u64(dataBytes(t)); // version 3, contiguous
        m.add(0x0008, layout.bytes());
        return m.header();
    }

    private static byte[] dataspace(int[] shape) {
        Buf b = new Buf();
        b.u8(2).u8(shape.length).u8(0).u8(shape.length == 0 ? 0 : 1); // version 2, rank, no max dims, scalar|simple
        for (int d : shape) {
            b.u64(d);
        }
        return b.bytes();
    }

    private static byte[] floatType(boolean f64) {
        Buf b = new Buf();
        b.u8(0x11); // version 1, class 1 (floating point)
        b.u8(0x20).u8(f64 ? 63 : 31).u8(0); // little-endian, implied mantissa bit, sign bit position
        b.u32(f64 ? 8 : 4);
        b.u16(0).u16(f64 ? 64 : 32); // bit offset, precision
        b.u8(f64 ? 52 : 23).u8(f64 ? 11 : 8).u8(0).u8(f64 ? 52 : 23); // exponent location/size, mantissa location/size
        b.u32(f64 ? 1023 : 127);
        return b.bytes();
    }

    private static byte[] stringType(int size, boolean utf8) {
        Buf b = new Buf();
        b.u8(0x13); // version 1, class 3 (string)
        b.u8(1 | (utf8 ? 0x10 : 0)).u8(0).u8(0); // null-padded, ASCII or UTF-8
        b.u32(size);
        return b.bytes();
    }

    private static byte[] attribute(String name, Object value) {
        if (value instanceof List<?> l && l.isEmpty()) {
            return attribute(name, floatType(true), dataspace(new int[] {0}), new byte[0]);
        }
        List<byte[]> strings = new ArrayList<>();
        boolean scalar = value instanceof String;
        for (Object o : scalar ? List.of(value) : (List<?>) value) {
            strings.add(((String) o).getBytes(StandardCharsets.UTF_8));
        }
        int size = 1;
        boolean utf8 = false;
        for (byte[] s : strings) {
            size = Math.max(size, s.length);
            for (byte c : s) {
                utf8 |= c < 0;
            }
        }
        Buf data = new Buf();
        for (byte[] s : strings) {
            data.raw(s);
            for (int i = s.length; i < size; i++) {
                data.u8(0);
            }
        }
        return attribute(name, stringType(size, utf8), dataspace(scalar ? new int[0] : new int[] {strings.size()}), data.bytes());
    }

    private static byte[] attribute(String name, byte[] type, byte[] space, byte[] data) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        Buf b = new Buf();
        b.u8(3).u8(0).u16(nameBytes.length).u16(type.length).u16(space.length).u8(0);
        return b.raw(nameBytes).raw(type).raw(space).raw(data).bytes();
    }

    /** The messages of one version 2 object header. */
    private static final class Messages {
        private final Buf body = new Buf();

        void add(int type, byte[] data) {
            if (data.length > 0xFFFF) {
                throw new IllegalArgumentException("an HDF5 header message of " + data.length + " bytes is too large");
            }
            body.u8(type).u16(data.length).u8(0).raw(data);
        }

        byte[] header() {
            byte[] messages = body.bytes();
            Buf h = new Buf();
            h.raw(new byte[] {'O', 'H', 'D', 'R'}).u8(2).u8(0x02); // version 2; chunk size in 4 bytes
            h.u32(messages.length).raw(messages);
            byte[] withoutSum = h.bytes();
            h.u32(lookup3(withoutSum, 0, withoutSum.length));
            return h.bytes();
        }
    }

    /** Little-endian byte building. */
    private static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Buf u8(int v) {
            out.write(v);
            return this;
        }

        Buf u16(int v) {
            return u8(v & 0xff).u8((v >>> 8) & 0xff);
        }

        Buf u32(long v) {
            return u16((int) (v & 0xffff)).u16((int) ((v >>> 16) & 0xffff));
        }

        Buf u64(long v) {
            return u32(v & 0xffffffffL).u32(v >>> 32);
        }

        Buf raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Bob Jenkins' lookup3 hashlittle with initial value 0: HDF5's metadata checksum. */
    static int lookup3(byte[] k, int offset, int length) {
        int a = 0xdeadbeef + length;
        int b = a;
        int c = a;
        int i = offset;
        int left = length;
        while (left > 12) {
            a += word(k, i);
            b += word(k, i + 4);
            c += word(k, i + 8);
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            i += 12;
            left -= 12;
        }
        if (left == 0) {
            return c;
        }
        byte[] tail = new byte[12];
        System.arraycopy(k, i, tail, 0, left);
        a += word(tail, 0);
        b += word(tail, 4);
        c += word(tail, 8);
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] k, int i) {
        return (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16 | (k[i + 3] & 0xff) << 24;
    }
}

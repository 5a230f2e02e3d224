package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import java.util.Arrays;

/**
 * Reading HDF5 through jhdf (pure Java), with every failure turned into one line that names the
 * file and the object. jhdf throws unchecked exceptions of its own for damaged files; they never
 * reach the user as a stack trace.
 */
final class Hdf5 {
    /** The eight bytes every HDF5 superblock starts with. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Hdf5() {
    }

    /**
     * True when the file holds an HDF5 superblock: at offset 0, or after a user block at
     * 512, 1024, 2048, ... bytes, as the HDF5 specification allows.
     */
    static boolean hasSignature(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            long pos = 0;
            byte[] head = new byte[SIGNATURE.length];
            for (long offset = 0; offset + SIGNATURE.length <= size; offset = offset == 0 ? 512 : offset * 2) {
                in.skipNBytes(offset - pos);
                if (in.readNBytes(head, 0, head.length) < head.length) {
                    return false;
                }
                pos = offset + head.length;
                if (Arrays.equals(head, SIGNATURE)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Opens an HDF5 file for reading, memory-mapped. Read from a channel, jhdf allocates a buffer of
     * whatever size a header claims before it reads it, so a damaged 300-byte file could ask for
     * gigabytes; over a mapped buffer it takes slices, and a size past the end of the file fails.
     */
    static HdfFile open(Path file) {
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read (" + reason(e) + ")", e);
        }
        try {
            HdfFile h5 = HdfFile.fromByteBuffer(mapped);
            OPENED.put(h5, file);
            return h5;
        } catch (RuntimeException e) {
            throw new ModelException(file + ": not a readable HDF5 file (" + reason(e) + ")", e);
        }
    }

    /** The file each mapped HdfFile came from: jhdf knows no path for a buffer. */
    private static final Map<HdfFile, Path> OPENED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The file a node was read from, for messages. */
    static Object fileOf(Node node) {
        HdfFile h5 = node.getHdfFile();
        Path p = OPENED.get(h5);
        if (p != null) {
            return p;
        }
        Path own = h5.getFileAsPath();
        return own != null ? own : "the HDF5 weights";
    }

    /** The child at a '/'-separated path below {@code group}, or null when there is none. */
    static Node find(Group group, String path) {
        Node n = group;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(n instanceof Group g) || !g.getChildren().containsKey(part)) {
                return null;
            }
            n = g.getChild(part);
        }
        return n;
    }

    /** A string attribute, or null when absent. */
    static String stringAttribute(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null) {
            return null;
        }
        Object v = a.getData();
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof String[] arr && arr.length == 1) {
            return arr[0];
        }
        throw new ModelException(fileOf(node) + ": attribute '" + name + "' of "
                + pathOf(node) + " is not a string");
    }

    /** A list-of-strings attribute (Keras's layer_names, weight_names); empty when absent or empty. */
    static String[] stringsAttribute(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null) {
            return new String[0];
        }
        Object v = a.getData();
        if (v instanceof String[] arr) {
            return arr;
        }
        if (v instanceof String s) {
            return new String[] {s};
        }
        if (v != null && v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 0) {
            return new String[0]; // Keras writes an empty float array for a layer without weights
        }
        throw new ModelException(fileOf(node) + ": attribute '" + name + "' of "
                + pathOf(node) + " is not a list of names");
    }

    /** A floating-point dataset as a tensor of its own shape and precision. */
    static Tensor tensor(Dataset d) {
        Object flat = d.getDataFlat();
        int[] shape = d.isScalar() ? new int[0] : d.getDimensions();
        if (flat instanceof float[] f) {
            return Tensor.ofFloats(shape, f);
        }
        if (flat instanceof double[] v) {
            return Tensor.of(DType.F64, shape, v.clone());
        }
        throw new ModelException(fileOf(d) + ": dataset " + pathOf(d) + " holds "
                + d.getJavaType().getSimpleName() + " values, expected float32 or float64 weights");
    }

    static String pathOf(Node node) {
        String p = node.getPath();
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}

package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import com.google.protobuf.ByteString;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the values of tensors stored outside the model (ONNX's {@code data_location: EXTERNAL},
 * as {@code onnx.save_model(..., save_as_external_data=True)} writes models past 2 GB) are read
 * from: files in the model's folder, named by the tensor's {@code location} and read at
 * {@code offset} for {@code length} bytes, memory-mapped rather than copied.
 *
 * <p>A model file is untrusted input, so its locations are checked before anything is opened:
 * an absolute path, a path with {@code ..} or one whose real path (symbolic links followed)
 * leaves the model's folder is refused, and so is an offset or length that runs past the end of
 * the file or disagrees with the tensor's shape and type. Each refusal is one line naming the
 * tensor and the location.
 */
public final class ExternalData {
    /** For a model given without its folder: any external tensor is refused. */
    public static final ExternalData NONE = new ExternalData(null);

    private final Path folder;

    private ExternalData(Path folder) {
        this.folder = folder;
    }

    /** External data of the model file {@code model}: its folder. */
    public static ExternalData besides(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        return new ExternalData(dir == null ? Path.of("").toAbsolutePath() : dir);
    }

    static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * The {@code bytes} bytes of {@code t}'s values, little-endian, mapped from its file.
     *
     * @param what names the tensor in errors, e.g. "initializer 'W'"
     */
    ByteBuffer bytes(TensorProto t, String what, long bytes) {
        String location = null;
        String offsetText = null;
        String lengthText = null;
        for (var e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offsetText = e.getValue();
                case "length" -> lengthText = e.getValue();
                default -> {
                    // checksum and keys of later versions do not change where the bytes are
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelException(what + " is marked EXTERNAL but names no location");
        }
        String where = what + " in external file '" + location + "'";
        if (folder == null) {
            throw new ModelException(what + " keeps its values in external file '" + location + "', and this model was"
                    + " read without its folder; read it from its file");
        }
        long offset = number(offsetText, 0, where, "offset");
        long length = number(lengthText, bytes, where, "length");
        Path file = resolve(location, where);
        // A mapping stays valid after its channel is closed, so no file stays open.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset > size || length > size - offset) {
                throw new ModelException(where + ": offset " + offset + " + length " + length
                        + " runs past the end of the file (" + size + " bytes)");
            }
            if (length != bytes) {
                throw new ModelException(where + ": length is " + length + " bytes, but its shape and type need " + bytes);
            }
            if (length > Integer.MAX_VALUE) {
                throw new ModelException(where + ": " + length + " bytes, more than one tensor can hold here (2 GiB)");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * {@code model} with the values of every external tensor (initializers of the main graph and
     * of subgraphs, Constant values) copied in, after the same checks as reading, for a runtime
     * that loads the model from bytes. A model without external tensors is returned as is.
     *
     * @throws ModelException a location is refused, or the values do not fit one model (2 GiB)
     */
    public ModelProto inline(ModelProto model, String source) {
        long[] total = {model.getSerializedSize()};
        try {
            GraphProto g = inline(model.getGraph(), total);
            return g == model.getGraph() ? model : model.toBuilder().setGraph(g).build();
        } catch (ModelException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    private GraphProto inline(GraphProto g, long[] total) {
        GraphProto.Builder b = null;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (isExternal(t)) {
                if (b == null) {
                    b = g.toBuilder();
                }
                b.setInitializer(i, inlined(t, "initializer '" + t.getName() + "'", total));
            }
        }
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            for (int a = 0; a < node.getAttributeCount(); a++) {
                AttributeProto attr = node.getAttribute(a);
                AttributeProto.Builder changed = null;
                if (attr.hasT() && isExternal(attr.getT())) {
                    changed = attr.toBuilder().setT(inlined(attr.getT(), OnnxGraph.describe(node) + " attribute " + attr.getName(), total));
                }
                if (attr.hasG()) {
                    GraphProto sub = inline(attr.getG(), total);
                    if (sub != attr.getG()) {
                        changed = (changed == null ? attr.toBuilder() : changed).setG(sub);
                    }
                }
                for (int k = 0; k < attr.getGraphsCount(); k++) {
                    GraphProto sub = inline(attr.getGraphs(k), total);
                    if (sub != attr.getGraphs(k)) {
                        changed = (changed == null ? attr.toBuilder() : changed).setGraphs(k, sub);
                    }
                }
                if (changed != null) {
                    if (b == null) {
                        b = g.toBuilder();
                    }
                    b.setNode(n, b.getNode(n).toBuilder().setAttribute(a, changed));
                }
            }
        }
        return b == null ? g : b.build();
    }

    private TensorProto inlined(TensorProto t, String what, long[] total) {
        long count = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new ModelException(what + " has a negative dimension " + d);
            }
            count = Math.multiplyExact(count, d);
        }
        long width = switch (TensorProto.DataType.forNumber(t.getDataType()) == null ? TensorProto.DataType.UNDEFINED
                : TensorProto.DataType.forNumber(t.getDataType())) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw new ModelException(what + " has data_type " + t.getDataType() + ", which rnnport does not read from external files");
        };
        long bytes = Math.multiplyExact(count, width);
        total[0] += bytes;
        if (total[0] > Integer.MAX_VALUE) {
            throw new ModelException("the model with its external data is more than the 2 GiB one ONNX model in memory can hold;"
                    + " run one network with --network");
        }
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(bytes(t, what, bytes))).build();
    }

    private static long number(String text, long dflt, String where, String key) {
        if (text == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelException(where + ": " + key + " is '" + text + "', expected a number of bytes");
    }

    /** The file {@code location} names, after checking that it stays inside the model's folder. */
    private Path resolve(String location, String where) {
        Path rel;
        try {
            rel = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ModelException(where + ": not a valid file name");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            throw new ModelException(where + ": an absolute path; external data must be a file in the model's folder");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new ModelException(where + ": leaves the model's folder; external data must be a file in the model's folder");
            }
        }
        Path file = folder.resolve(rel).normalize();
        try {
            Path realFolder = folder.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realFolder)) {
                throw new ModelException(where + ": a link to " + real + ", outside the model's folder; refused");
            }
            if (!Files.isRegularFile(real)) {
                throw new ModelException(where + ": not a regular file");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new ModelException(where + ": no such file beside the model (" + file + ")");
        } catch (IOException e) {
            throw new ModelException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

}

package dev.rnnport.tensor;

import dev.rnnport.ModelException;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.util.ReadLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} files (format versions 1-3): float32, float64, float16, int8-64, uint8 and
 * bool, either byte order, C order only. Fortran order, object arrays and other dtypes are refused
 * with a message that says what the file holds.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) throws IOException {
        return read(file, ReadLimits.defaults());
    }

    /**
     * Reads one array; the file's size (which bounds every size its header can claim) and the
     * decoded values are checked against {@code limits} before they are allocated.
     */
    public static Tensor read(Path file, ReadLimits limits) throws IOException {
        long size = Files.size(file);
        limits.checkBytes(size, file + ": .npy file of " + size + " bytes");
        if (size > Integer.MAX_VALUE - 8) {
            throw new ModelException(file + ": .npy file of " + size + " bytes is larger than rnnport can read at once");
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes, limits);
        } catch (ModelException e) {
            throw new ModelException(dev.rnnport.util.Printable.oneLine(file + ": " + e.getMessage()), e);
        }
    }

    static Tensor parse(byte[] bytes) {
        return parse(bytes, ReadLimits.defaults());
    }

    static Tensor parse(byte[] bytes, ReadLimits limits) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) {
            throw new ModelException("not a .npy file (" + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new ModelException("not a .npy file (no \\x93NUMPY magic)");
            }
        }
        int major = bytes[6];
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new ModelException("truncated .npy header");
            }
            headerLen = b.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new ModelException("unsupported .npy format version " + major);
        }
        if (start + headerLen > bytes.length) {
            throw new ModelException("truncated .npy header: it claims " + headerLen + " bytes, the file has " + (bytes.length - start));
        }
        String header = new String(bytes, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if (descr.length() < 2) {
            throw new ModelException("unsupported dtype '" + abbreviate(descr) + "'; expected float32, float64 or an integer type");
        }
        if ("True".equals(group(FORTRAN, header, "fortran_order"))) {
            throw new ModelException("Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        int[] shape = parseShape(group(SHAPE, header, "shape"));
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DType dtype = switch (descr.substring(1)) {
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "f2" -> DType.F16;
            case "i1" -> DType.I8;
            case "u1" -> DType.U8;
            case "i2" -> DType.I16;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            case "b1" -> DType.BOOL;
            default -> throw new ModelException("unsupported dtype '" + abbreviate(descr) + "'"
                    + (descr.contains("O") ? " (object arrays are never loaded)" : "")
                    + "; expected float32, float64 or an integer type");
        };
        long count;
        try {
            count = Math.multiplyExact(Shapes.size(shape), (long) dtype.bytes()) / dtype.bytes();
        } catch (ArithmeticException e) {
            throw new ModelException("shape " + Shapes.format(shape) + " has more elements than 64 bits can count");
        }
        long dataStart = start + headerLen;
        if (count * dtype.bytes() != bytes.length - dataStart) {
            throw new ModelException("shape " + Shapes.format(shape) + " of " + abbreviate(descr) + " needs " + count * dtype.bytes()
                    + " data bytes, the file has " + (bytes.length - dataStart));
        }
        // The file's bytes and the decoded values (8 bytes each) are held together.
        limits.checkBytes(bytes.length + 8 * count, "shape " + Shapes.format(shape) + " of " + abbreviate(descr));
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) (count * dtype.bytes())).slice().order(order);
        if (dtype == DType.F32) {
            return Tensor.ofFloats(shape, RawValues.decodeFloats(data, (int) count));
        }
        return Tensor.of(dtype, shape, RawValues.decode(data, dtype, (int) count));
    }

    private static String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new ModelException(".npy header has no '" + key + "': " + abbreviate(header.trim()));
        }
        return m.group(1);
    }

    private static int[] parseShape(String s) {
        String[] parts = s.split(",");
        if (parts.length > ReadLimits.MAX_RANK + 1) {
            throw new ModelException(".npy shape has more than " + ReadLimits.MAX_RANK + " dimensions");
        }
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            if (!p.isBlank()) {
                String digits = p.trim();
                digits = digits.endsWith("L") ? digits.substring(0, digits.length() - 1) : digits;
                int d;
                try {
                    d = Integer.parseInt(digits);
                } catch (NumberFormatException e) {
                    throw new ModelException("bad .npy shape (" + abbreviate(s) + "): dimensions must be integers below 2^31");
                }
                if (d < 0) {
                    throw new ModelException("bad .npy shape (" + abbreviate(s) + "): negative dimension " + d);
                }
                shape[n++] = d;
            }
        }
        return java.util.Arrays.copyOf(shape, n);
    }

    /** At most 60 characters of file text for a message, on one line, control characters shown as '?'. */
    private static String abbreviate(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\\x{2028}\\x{2029}\\x{85}]", "?");
    }

    /** Writes float32, float64 or int64 in format version 1.0, atomically. */
    public static void write(Path file, Tensor t) throws IOException {
        AtomicFiles.write(file, toBytes(t));
    }

    public static byte[] toBytes(Tensor t) {
        String descr = switch (t.dtype()) {
            case F64 -> "<f8";
            case I64, I32, I16, I8, U8, BOOL -> "<i8";
            default -> "<f4";
        };
        DType stored = switch (descr) {
            case "<f8" -> DType.F64;
            case "<i8" -> DType.I64;
            default -> DType.F32;
        };
        int[] shape = t.shape();
        StringBuilder sh = new StringBuilder("(");
        for (int d : shape) {
            sh.append(d).append(", ");
        }
        if (shape.length > 1) {
            sh.setLength(sh.length() - 2);
        } else if (shape.length == 1) {
            sh.setLength(sh.length() - 1);
        }
        sh.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + t.size() * stored.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        t.encode(0, t.size(), stored, b);
        return b.array();
    }
}

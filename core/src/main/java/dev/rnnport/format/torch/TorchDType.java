package dev.rnnport.format.torch;

import dev.rnnport.format.torch.pickle.PyGlobal;
import dev.rnnport.tensor.DType;
import java.util.HashMap;
import java.util.Map;

/**
 * PyTorch's element types as they appear in pickles: typed storage classes
 * ({@code torch.FloatStorage}, {@code torch.cuda.HalfStorage}) and dtype globals
 * ({@code torch.float32}, {@code torch.half}). Types rnnport cannot compute with (complex,
 * quantized, float8) are still known, so their storages are sized correctly and refused only if
 * a network needs them.
 */
enum TorchDType {
    FLOAT32(4, DType.F32, "FloatStorage", "float32", "float"),
    FLOAT64(8, DType.F64, "DoubleStorage", "float64", "double"),
    FLOAT16(2, DType.F16, "HalfStorage", "float16", "half"),
    BFLOAT16(2, DType.BF16, "BFloat16Storage", "bfloat16"),
    INT64(8, DType.I64, "LongStorage", "int64", "long"),
    INT32(4, DType.I32, "IntStorage", "int32", "int"),
    INT16(2, DType.I16, "ShortStorage", "int16", "short"),
    INT8(1, DType.I8, "CharStorage", "int8"),
    UINT8(1, DType.U8, "ByteStorage", "uint8"),
    BOOL(1, DType.BOOL, "BoolStorage", "bool"),
    COMPLEX32(4, null, "ComplexHalfStorage", "complex32", "chalf"),
    COMPLEX64(8, null, "ComplexFloatStorage", "complex64", "cfloat"),
    COMPLEX128(16, null, "ComplexDoubleStorage", "complex128", "cdouble"),
    QINT8(1, null, "QInt8Storage", "qint8"),
    QUINT8(1, null, "QUInt8Storage", "quint8"),
    QINT32(4, null, "QInt32Storage", "qint32"),
    QUINT4X2(1, null, "QUInt4x2Storage", "quint4x2"),
    QUINT2X4(1, null, "QUInt2x4Storage", "quint2x4"),
    UINT16(2, null, null, "uint16"),
    UINT32(4, null, null, "uint32"),
    UINT64(8, null, null, "uint64"),
    FLOAT8_E4M3FN(1, null, null, "float8_e4m3fn"),
    FLOAT8_E5M2(1, null, null, "float8_e5m2"),
    FLOAT8_E4M3FNUZ(1, null, null, "float8_e4m3fnuz"),
    FLOAT8_E5M2FNUZ(1, null, null, "float8_e5m2fnuz");

    private static final Map<String, TorchDType> BY_STORAGE = new HashMap<>();
    private static final Map<String, TorchDType> BY_NAME = new HashMap<>();

    static {
        for (TorchDType t : values()) {
            if (t.storageName != null) {
                BY_STORAGE.put(t.storageName, t);
            }
            for (String n : t.names) {
                BY_NAME.put(n, t);
            }
        }
    }

    private final int size;
    private final DType dtype;
    private final String storageName;
    private final String[] names;

    TorchDType(int size, DType dtype, String storageName, String... names) {
        this.size = size;
        this.dtype = dtype;
        this.storageName = storageName;
        this.names = names;
    }

    int size() {
        return size;
    }

    /** rnnport's type for these values, or null if rnnport cannot compute with them. */
    DType dtype() {
        return dtype;
    }

    String torchName() {
        return "torch." + names[0];
    }

    /** The dtype a global such as {@code torch.float32} names, or null. */
    static TorchDType ofDtypeGlobal(Object v) {
        return v instanceof PyGlobal g && g.module().equals("torch") ? BY_NAME.get(g.name()) : null;
    }

    /**
     * The element type of a storage class global: {@code torch.FloatStorage},
     * {@code torch.cuda.FloatStorage}; {@code torch.UntypedStorage} holds bytes. Null if the
     * global is no storage class.
     */
    static TorchDType ofStorageGlobal(Object v) {
        if (!(v instanceof PyGlobal g)) {
            return null;
        }
        String m = g.module();
        if (!(m.equals("torch") || m.equals("torch.cuda") || m.equals("torch.storage"))) {
            return null;
        }
        if (g.name().equals("UntypedStorage") || g.name().equals("_UntypedStorage")) {
            return UINT8;
        }
        return BY_STORAGE.get(g.name());
    }

    /** A storage-looking global rnnport does not know, for the message. */
    static boolean looksLikeStorage(Object v) {
        return v instanceof PyGlobal g && g.name().endsWith("Storage");
    }
}

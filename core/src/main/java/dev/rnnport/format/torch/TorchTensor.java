package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.torch.pickle.FormatValue;
import dev.rnnport.format.torch.pickle.PickleError;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor as a pickle rebuilds it: a strided view (offset, sizes, strides, all in elements of
 * its dtype) into a storage. Made by {@link #view}, which checks that the view lies inside what
 * its storage claims, so reading it later cannot go past the storage. Values are read by
 * {@link #materialize} only for tensors that are needed.
 */
final class TorchTensor implements FormatValue {
    private final StorageRef storage;
    private final TorchDType dtype;
    private final long offset;
    private final int[] size;
    private final long[] stride;
    private final long numel;
    private final long extent;

    private TorchTensor(StorageRef storage, TorchDType dtype, long offset, int[] size, long[] stride, long numel, long extent) {
        this.storage = storage;
        this.dtype = dtype;
        this.offset = offset;
        this.size = size;
        this.stride = stride;
        this.numel = numel;
        this.extent = extent;
    }

    /**
     * A view of {@code storage} as {@code dtype} elements. Rejects negative sizes, strides or
     * offsets, element counts beyond a Java array, and views reaching past the storage.
     */
    static TorchTensor view(StorageRef storage, TorchDType dtype, long offset, long[] sizes, long[] strides) {
        if (sizes.length != strides.length) {
            throw new PickleError("tensor has " + sizes.length + " sizes but " + strides.length + " strides");
        }
        if (offset < 0) {
            throw new PickleError("tensor has negative storage offset " + offset);
        }
        int[] size = new int[sizes.length];
        long numel = 1;
        long last = offset;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0 || strides[i] < 0) {
                throw new PickleError("tensor has size " + Shapes.format(sizes) + " and stride " + Shapes.format(strides)
                        + "; negative values are impossible");
            }
            if (sizes[i] > Integer.MAX_VALUE) {
                throw new PickleError("tensor dimension " + sizes[i] + " is larger than rnnport can hold");
            }
            size[i] = (int) sizes[i];
            numel = multiply(numel, sizes[i]);
            if (sizes[i] > 0) {
                last = add(last, multiply(sizes[i] - 1, strides[i]));
            }
        }
        long extent = numel == 0 ? 0 : add(last, 1);
        long storageElements = storage.nbytes() / dtype.size();
        if (extent > storageElements) {
            throw new PickleError("tensor of shape " + Shapes.format(size) + " with stride " + Shapes.format(strides)
                    + " at offset " + offset + " reaches element " + extent + " of storage '" + storage.key()
                    + "', which holds " + storageElements + " " + dtype.torchName() + " elements");
        }
        return new TorchTensor(storage, dtype, offset, size, strides.clone(), numel, extent);
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new PickleError("tensor size overflows 64 bits");
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new PickleError("tensor extent overflows 64 bits");
        }
    }

    StorageRef storage() {
        return storage;
    }

    TorchDType dtype() {
        return dtype;
    }

    int[] shape() {
        return size.clone();
    }

    long offset() {
        return offset;
    }

    long[] stride() {
        return stride.clone();
    }

    /**
     * Bytes that {@link #materialize} holds at once: the span of storage it reads and the decoded
     * values (8 bytes each). A view may repeat one element (stride 0) far beyond its storage's size.
     */
    long readCost() {
        long span = numel == 0 ? 0 : (extent - offset) * dtype.size();
        return numel > Long.MAX_VALUE / 16 || span < 0 ? Long.MAX_VALUE : span + 8 * numel;
    }

    /** The values, in row-major order, as rnnport's tensor. {@code name} and {@code file} are for messages. */
    Tensor materialize(StorageReader reader, String file, String name) throws IOException {
        DType target = dtype.dtype();
        if (target == null) {
            throw new ModelException(file + ": tensor " + name + " has dtype " + dtype.torchName()
                    + ", which rnnport cannot compute with (expected a float or integer type)");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new ModelException(file + ": tensor " + name + " has " + numel + " elements, more than rnnport can hold");
        }
        long span = (extent - offset) * dtype.size();
        if (span > Integer.MAX_VALUE - 8) {
            throw new ModelException(file + ": tensor " + name + " spans " + span + " bytes of its storage, more than rnnport can read at once");
        }
        int count = (int) numel;
        if (count == 0) {
            return Tensor.of(target, size, new double[0]);
        }
        if (target == DType.F32 && dtype.size() == 4 && isContiguous()) {
            // float32 stays float32 (half the memory of doubles), decoded as it is read.
            float[] values = new float[count];
            reader.readFloats(storage, offset * 4, values);
            return Tensor.ofFloats(size, values);
        }
        byte[] bytes = reader.read(storage, offset * dtype.size(), (int) span);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(reader.order());
        if (isContiguous()) {
            return Tensor.of(target, size, RawValues.decode(b, target, count));
        }
        double[] spanValues = RawValues.decode(b, target, (int) (extent - offset));
        double[] out = new double[count];
        int[] index = new int[size.length];
        for (int i = 0; i < count; i++) {
            long at = 0;
            for (int d = 0; d < size.length; d++) {
                at += index[d] * stride[d];
            }
            out[i] = spanValues[(int) at];
            for (int d = size.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return Tensor.of(target, size, out);
    }

    private boolean isContiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    @Override
    public String pythonType() {
        return "tensor";
    }

    @Override
    public String toString() {
        return "tensor " + Arrays.toString(size) + " " + dtype.torchName();
    }
}

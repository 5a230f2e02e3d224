package dev.rnnport.format.torch.pickle;

import java.util.Arrays;

/** Python bytes (immutable, hashable) or bytearray (mutable). */
public final class PyBytes {
    private final byte[] data;
    private final boolean mutable;

    PyBytes(byte[] data, boolean mutable) {
        this.data = data;
        this.mutable = mutable;
    }

    public byte[] data() {
        return data;
    }

    public boolean mutable() {
        return mutable;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyBytes b && !mutable && !b.mutable && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return mutable ? System.identityHashCode(this) : Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (mutable ? "bytearray" : "bytes") + " of " + data.length;
    }
}

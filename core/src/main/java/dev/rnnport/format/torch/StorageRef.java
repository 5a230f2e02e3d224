package dev.rnnport.format.torch;

import dev.rnnport.format.torch.pickle.FormatValue;

/**
 * A storage a pickle refers to by persistent id ({@code ('storage', torch.FloatStorage, key,
 * location, numel)}): where its bytes are and how many elements it claims. The container checks
 * the claim against the record holding the bytes; tensors are checked against the claim. Bytes
 * are read only when a tensor is needed. Identity semantics: tensors that share one storage share
 * one StorageRef.
 *
 * @param key        the storage key in the pickle ({@code "0"}, or a legacy file's address)
 * @param record     the key of the record (zip entry or legacy storage) holding the bytes
 * @param byteOffset where this storage starts in the record (legacy storage views), in bytes
 */
record StorageRef(String key, TorchDType dtype, long numel, String location, String record, long byteOffset)
        implements FormatValue {

    /** Bytes the storage claims; numel was checked so that this cannot overflow. */
    long nbytes() {
        return numel * dtype.size();
    }

    @Override
    public String pythonType() {
        return "storage";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}

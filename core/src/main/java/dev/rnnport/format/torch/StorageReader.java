package dev.rnnport.format.torch;

import java.io.IOException;
import java.nio.ByteOrder;

/** Reads storage bytes from a torch file's records on demand. */
interface StorageReader {
    /**
     * {@code length} bytes of {@code storage} from {@code offset} (relative to the storage). The
     * range lies within the storage, and the storage within its record, both checked earlier.
     */
    byte[] read(StorageRef storage, long offset, int length) throws IOException;

    /**
     * Fills {@code into} with the float32 values of {@code storage} from byte {@code offset}; the
     * range was checked like {@link #read}'s. Readers that can decode as they read, without holding
     * the bytes whole, override this.
     */
    default void readFloats(StorageRef storage, long offset, float[] into) throws IOException {
        java.nio.ByteBuffer.wrap(read(storage, offset, Math.multiplyExact(into.length, 4))).order(order())
                .asFloatBuffer().get(into);
    }

    /** The byte order of the stored values. */
    ByteOrder order();
}

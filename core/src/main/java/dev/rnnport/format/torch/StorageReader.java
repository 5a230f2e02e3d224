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

    /** The byte order of the stored values. */
    ByteOrder order();
}

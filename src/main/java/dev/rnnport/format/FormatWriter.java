package dev.rnnport.format;

import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one network to a file, atomically (see {@link AtomicFiles}). A network the format cannot
 * express is refused with a {@link dev.rnnport.ModelException} naming the feature, before anything
 * is written.
 */
public interface FormatWriter {
    void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException;
}

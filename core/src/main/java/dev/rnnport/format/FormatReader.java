package dev.rnnport.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads every recurrent network a file holds. Readers report what the file says; flags such as
 * --batch-first are applied afterwards by {@link dev.rnnport.Networks}. Problems with the file are thrown as
 * {@link dev.rnnport.ModelException} naming the file and the tensor or attribute.
 */
public interface FormatReader {
    List<NamedNetwork> read(Path file) throws IOException;
}

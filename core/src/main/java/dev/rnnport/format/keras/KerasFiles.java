package dev.rnnport.format.keras;

import java.io.IOException;
import java.nio.file.Path;

/** Recognises Keras files by their content, for {@link dev.rnnport.format.ModelFormat}. */
public final class KerasFiles {
    private KerasFiles() {
    }

    /** True when the file is HDF5 (a Keras {@code .h5}, whatever its extension), by its signature. */
    public static boolean isHdf5(Path file) throws IOException {
        return Hdf5.hasSignature(file);
    }

    /** True when the file is a Keras 3 archive: a zip holding config.json and model.weights.h5. */
    public static boolean isKerasArchive(Path file) {
        return KerasArchive.isArchive(file);
    }
}

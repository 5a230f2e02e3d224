package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The entries of a Keras 3 {@code .keras} archive (a zip of {@code metadata.json},
 * {@code config.json} and {@code model.weights.h5}), read with a size budget so a hostile archive
 * cannot exhaust memory.
 */
final class KerasArchive {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";
    /** 1 GiB: recurrent networks are smaller; a larger entry is refused rather than read. */
    private static final long MAX_ENTRY = 1L << 30;

    private KerasArchive() {
    }

    /** True when the file is a zip holding a Keras config and weights. */
    static boolean isArchive(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(CONFIG) != null && zip.getEntry(WEIGHTS) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The archive's three entries by name (metadata may be absent). */
    static Map<String, byte[]> read(Path file) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (String name : new String[] {CONFIG, METADATA, WEIGHTS}) {
                ZipEntry e = zip.getEntry(name);
                if (e == null) {
                    if (name.equals(METADATA)) {
                        continue;
                    }
                    throw new ModelException(file + ": not a Keras archive (no " + name + " inside)");
                }
                if (e.getSize() > MAX_ENTRY) {
                    throw new ModelException(file + ": " + name + " is " + e.getSize() + " bytes, more than a Keras file of"
                            + " recurrent networks should hold");
                }
                try (InputStream in = zip.getInputStream(e)) {
                    byte[] bytes = in.readNBytes((int) MAX_ENTRY + 1);
                    if (bytes.length > MAX_ENTRY) {
                        throw new ModelException(file + ": " + name + " is larger than it says");
                    }
                    out.put(name, bytes);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new ModelException(file + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        return out;
    }
}

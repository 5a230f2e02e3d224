package dev.rnnport.spark.streaming;

import dev.rnnport.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model file as the driver saw it: its path and the SHA-256 of its content. Only this small
 * reference travels to executors; each executor loads the file once and checks it is the same
 * content, so a model replaced under a running query is noticed rather than mixed in.
 *
 * @param path   the model file, readable at this path on every executor (a shared or distributed file system)
 * @param sha256 hex digest of the file's bytes
 */
record ModelRef(String path, String sha256) implements Serializable {

    /** Reads the file once to fingerprint it. */
    static ModelRef of(Path file) {
        return new ModelRef(file.toAbsolutePath().toString(), sha256(file));
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UsageException("cannot read model file " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}

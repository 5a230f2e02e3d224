package dev.rnnport.spark;

import dev.rnnport.RnnportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model file's name and content, read once on the driver and broadcast to the executors, which
 * load it through {@link NetworkCache}. The content hash names the network in that cache, so a
 * changed file is a new entry and an unchanged one is loaded once per executor JVM.
 *
 * @param fileName the file's name (its suffix and content say the format)
 * @param sha256   hex SHA-256 of {@code content}
 * @param content  the file's bytes
 */
public record ModelBytes(String fileName, String sha256, byte[] content) implements Serializable {
    /** Broadcast values must fit one Java array; real recurrent models are far smaller. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    /**
     * Reads a single-file model through Hadoop's file systems, so {@code hdfs://}, {@code s3a://} and
     * local paths all work.
     *
     * @throws RnnportException of kind IO when the file cannot be read
     */
    public static ModelBytes read(String path, Configuration hadoop) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(hadoop);
            long size = fs.getFileStatus(p).getLen();
            if (fs.getFileStatus(p).isDirectory()) {
                throw new RnnportException(RnnportException.Kind.UNSUPPORTED, path
                        + ": is a folder; Spark scoring takes a single-file model (.pt, .onnx, .safetensors, .h5, .keras)");
            }
            if (size > MAX_BYTES) {
                throw new RnnportException(RnnportException.Kind.UNSUPPORTED, path + ": " + size
                        + " bytes is too large to broadcast (at most 2 GB)");
            }
            byte[] content = new byte[(int) size];
            try (InputStream in = fs.open(p)) {
                int read = in.readNBytes(content, 0, content.length);
                if (read != content.length || in.read() != -1) {
                    throw new IOException("changed size while being read");
                }
            }
            return new ModelBytes(p.getName(), sha256(content), content);
        } catch (IOException e) {
            String what = e instanceof java.io.FileNotFoundException ? "no such file" : e.getMessage();
            throw new RnnportException(RnnportException.Kind.IO, path + ": " + what, e);
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return fileName + " (" + content.length + " bytes, sha256 " + sha256.substring(0, 12) + ")";
    }
}

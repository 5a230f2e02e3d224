package dev.rnnport.util;

import dev.rnnport.ModelException;
import java.util.Locale;

/**
 * Caps on what a file may make rnnport allocate, checked against every size a reader takes from
 * a file before memory of that size is taken: tensor values, headers, pickles, zip records. A
 * hostile or damaged file then ends in a one-line refusal rather than an OutOfMemoryError.
 *
 * <p>The byte cap defaults to a quarter of this JVM's heap (at most 4 GiB), so that reaching it
 * is a clear refusal with room to spare. It is raised for big models with the system property
 * {@value #MAX_BYTES_PROPERTY} or the environment variable {@value #MAX_BYTES_ENV}, in bytes or
 * with a k, m or g suffix ({@code -Drnnport.maxReadBytes=12g}); the heap must be raised with it
 * ({@code -Xmx}).
 *
 * @param maxBytes      bytes one file may make rnnport hold (decoded values count as 8 bytes each)
 * @param maxZipEntries entries a zip archive may list
 * @param maxZipRatio   how many times larger than its compressed size a large zip record may claim to be
 */
public record ReadLimits(long maxBytes, int maxZipEntries, int maxZipRatio) {
    public static final String MAX_BYTES_PROPERTY = "rnnport.maxReadBytes";
    public static final String MAX_BYTES_ENV = "RNNPORT_MAX_READ_BYTES";
    /** Records up to this size are not held to the compression ratio: tiny records compress absurdly well. */
    public static final long RATIO_EXEMPT_BYTES = 64L << 20;
    /** Dimensions a tensor read from a file may have (NumPy allows 64). */
    public static final int MAX_RANK = 64;

    /** The limits for this JVM, with the user's override of the byte cap if one is set. */
    public static ReadLimits defaults() {
        long heap = Runtime.getRuntime().maxMemory();
        long bytes = Math.min(4L << 30, heap == Long.MAX_VALUE ? 4L << 30 : heap / 4);
        String set = System.getProperty(MAX_BYTES_PROPERTY, System.getenv(MAX_BYTES_ENV));
        if (set != null && !set.isBlank()) {
            bytes = parseBytes(set.trim());
        }
        return new ReadLimits(bytes, 100_000, 1000);
    }

    static long parseBytes(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long unit = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : t.endsWith("g") ? 1L << 30 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new dev.rnnport.UsageException(MAX_BYTES_PROPERTY + " is '" + s + "', expected a positive number of bytes"
                    + " with an optional k, m or g suffix");
        }
    }

    /**
     * Refuses unless {@code bytes} fit the cap; {@code what} names the file and the part of it
     * ("x.pt: tensor rnn.weight_ih_l0") for the message.
     */
    public void checkBytes(long bytes, String what) {
        if (bytes < 0 || bytes > maxBytes) {
            throw new ModelException(what + " needs " + (bytes < 0 ? "more than 2^63 bytes" : mib(bytes))
                    + ", more than the " + mib(maxBytes) + " rnnport may hold for one file (raise it with -D"
                    + MAX_BYTES_PROPERTY + "=SIZE and a larger -Xmx)");
        }
    }

    /** {@code bytes} in MiB for messages, or bytes below one MiB. */
    public static String mib(long bytes) {
        return bytes >= (1 << 20) ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}

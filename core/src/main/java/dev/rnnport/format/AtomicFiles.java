package dev.rnnport.format;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Writes files and folders as a Unix tool does, so that a reader never sees half of one: the
 * content goes to a temporary sibling of the target, which is moved into place only when
 * complete; on any failure the temporary is removed and an existing target is left as it was.
 *
 * <p>Files and folders are created with the permissions the user's umask gives ({@code 0666} and
 * {@code 0777} less the umask), as {@code cp} or a shell redirect would, not with the owner-only
 * modes of {@link Files#createTempFile}. A file that replaces an existing one keeps that file's
 * permissions.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Wraps every output stream this class opens; the identity except in tests that make a writer
     * fail midway to check that nothing partial remains.
     */
    static volatile UnaryOperator<OutputStream> streamFilter = UnaryOperator.identity();

    private AtomicFiles() {
    }

    /** Something that writes a whole file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Something that fills a folder. */
    @FunctionalInterface
    public interface FolderContent {
        void writeInto(Path folder) throws IOException;
    }

    public static void write(Path target, Content content) throws IOException {
        Path dir = parent(target);
        inFolder(dir, () -> createFolders(dir));
        Path tmp = inFolder(dir, () -> newSibling(dir, target, ".tmp", false));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = streamFilter.apply(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
                content.writeTo(new KeptOpen(out));
                out.flush();
                ch.force(true); // the bytes are on disk before the name points at them
            }
            keepPermissions(target, tmp);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Fills a new temporary folder and moves it to {@code target}. An existing target folder is
     * replaced only after the new content is complete, and is put back if the replacement fails.
     */
    public static void writeFolder(Path target, FolderContent content) throws IOException {
        Path dir = parent(target);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException(target + " exists and is not a folder");
        }
        inFolder(dir, () -> createFolders(dir));
        Path tmp = inFolder(dir, () -> newSibling(dir, target, "", true));
        try {
            content.writeInto(tmp);
            if (Files.isDirectory(target)) {
                Path old = dir.resolve("." + target.getFileName() + ".old." + token());
                Files.move(target, old);
                try {
                    Files.move(tmp, target);
                } catch (IOException e) {
                    Files.move(old, target);
                    throw e;
                }
                deleteTree(old);
            } else {
                move(tmp, target);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * A new empty file or folder beside {@code target}, hidden and named after it, created with the
     * default permissions (so the umask applies); a name already taken is never reused.
     */
    private static Path newSibling(Path dir, Path target, String suffix, boolean folder) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("." + target.getFileName() + "." + token() + suffix);
            try {
                if (folder) {
                    return Files.createDirectory(p);
                }
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static String token() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A replaced file keeps its permissions, as editors and {@code cp} over an existing file do. */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView old = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (old == null || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.setPosixFilePermissions(tmp, old.readAttributes().permissions());
    }

    private interface PathMaker {
        Path make() throws IOException;
    }

    /** Runs {@code maker}, naming the folder rather than our temporary name when it fails. */
    private static Path inFolder(Path dir, PathMaker maker) throws IOException {
        try {
            return maker.make();
        } catch (java.nio.file.FileSystemException e) {
            String why = e.getReason() != null ? e.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such folder"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file stands where a folder is needed"
                    : e.getClass().getSimpleName();
            throw new IOException("cannot write into " + dir + ": " + why, e);
        }
    }

    private static Path createFolders(Path dir) throws IOException {
        return Files.createDirectories(dir);
    }

    private static Path parent(Path target) {
        Path p = target.toAbsolutePath().getParent();
        return p == null ? Path.of(".") : p;
    }

    /** Moves {@code from} onto {@code to}, replacing it atomically where the file system can. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a file or a folder with everything in it; a symbolic link is removed, not followed. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /**
     * The stream a {@link Content} writes to: closing it (as a ZipOutputStream does when it is
     * closed) only flushes, because the file must stay open until its bytes are forced to disk.
     */
    private static final class KeptOpen extends OutputStream {
        private final OutputStream out;

        KeptOpen(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}

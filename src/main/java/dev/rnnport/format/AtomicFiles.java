package dev.rnnport.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes files and folders so that a reader never sees half of one: the content goes to a
 * temporary sibling, which is moved into place only when complete, and is removed on failure.
 */
public final class AtomicFiles {
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
        Path tmp = inFolder(dir, () -> Files.createTempFile(createFolders(dir), "." + target.getFileName() + ".", ".tmp"));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
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
     * replaced only after the new content is complete.
     */
    public static void writeFolder(Path target, FolderContent content) throws IOException {
        Path dir = parent(target);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException(target + " exists and is not a folder");
        }
        Path tmp = inFolder(dir, () -> Files.createTempDirectory(createFolders(dir), "." + target.getFileName() + "."));
        try {
            content.writeInto(tmp);
            if (Files.isDirectory(target)) {
                Path old = Files.createTempDirectory(dir, "." + target.getFileName() + ".old.");
                Files.delete(old);
                Files.move(target, old);
                Files.move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
        } finally {
            deleteTree(tmp);
        }
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

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}

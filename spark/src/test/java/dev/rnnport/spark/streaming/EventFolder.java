package dev.rnnport.spark.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

/**
 * A folder a streaming file source reads: each {@link #add} writes one JSON-lines file of events,
 * complete before it appears (written aside, then moved in), with a modification time after the
 * previous file's so the source takes the files in the order written.
 */
final class EventFolder {
    private final Path dir;
    private final boolean timestamps;
    private int files;

    /** @param timestamps write times as ISO timestamps (for a timestamp column) rather than milliseconds */
    EventFolder(Path dir, boolean timestamps) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.timestamps = timestamps;
    }

    Path dir() {
        return dir;
    }

    void add(List<Event> events) {
        StringBuilder json = new StringBuilder();
        for (Event e : events) {
            json.append("{\"key\":\"").append(e.key()).append("\",\"time\":");
            if (timestamps) {
                json.append('"').append(Instant.ofEpochMilli(e.timeMs())).append('"');
            } else {
                json.append(e.timeMs());
            }
            json.append(",\"features\":[");
            for (int i = 0; i < e.features().length; i++) {
                json.append(i == 0 ? "" : ",").append(e.features()[i]);
            }
            json.append("]}\n");
        }
        try {
            String name = String.format("events-%04d.json", files);
            Path aside = Files.writeString(dir.resolveSibling(dir.getFileName() + "-" + name), json);
            Files.setLastModifiedTime(aside, FileTime.fromMillis(1_600_000_000_000L + 1000L * files++));
            Files.move(aside, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.rnnport.spark.job;

import dev.rnnport.RnnportException;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes a scored Dataset as Parquet so that OUT holds either the whole result or nothing new.
 *
 * <p>Why: Spark writes into OUT itself and, when a task fails (a bad row), removes its temporary
 * files but leaves OUT behind, empty or holding the old result. Here the data goes to a hidden
 * folder beside OUT and is renamed into place once every task has succeeded; a failed write
 * removes that folder. The rename is atomic on HDFS and local disks; on object stores it is a copy.
 */
final class AtomicParquetOutput {
    private AtomicParquetOutput() {
    }

    /**
     * @param overwrite replace an existing OUT; without it an existing OUT is refused before any work
     * @throws RnnportException of kind IO when OUT exists (without overwrite) or cannot be replaced
     */
    static void write(Dataset<Row> data, String output, boolean overwrite, Configuration hadoop) {
        Path out = new Path(output);
        try {
            FileSystem fs = out.getFileSystem(hadoop);
            if (!overwrite && fs.exists(out)) {
                throw new RnnportException(RnnportException.Kind.IO, output + ": already exists; give --overwrite to replace it");
            }
            Path hidden = new Path(out.getParent(), "." + out.getName() + ".rnnport-" + UUID.randomUUID());
            boolean moved = false;
            try {
                data.write().parquet(hidden.toString());
                if (overwrite && fs.exists(out) && !fs.delete(out, true)) {
                    throw new IOException("cannot remove the old output");
                }
                if (!fs.rename(hidden, out)) {
                    throw new IOException("cannot move the result into place from " + hidden);
                }
                moved = true;
            } finally {
                if (!moved) {
                    fs.delete(hidden, true);
                }
            }
        } catch (IOException e) {
            throw new RnnportException(RnnportException.Kind.IO, output + ": " + e.getMessage(), e);
        }
    }
}

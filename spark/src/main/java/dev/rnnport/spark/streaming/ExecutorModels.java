package dev.rnnport.spark.streaming;

import dev.rnnport.Networks;
import dev.rnnport.UsageException;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The networks this JVM has loaded, one per model file and content. A network is immutable and
 * shared by all tasks of an executor, so it is loaded once per JVM rather than per key or
 * micro-batch, and is never put in Spark's state store (only the recurrent state is).
 */
final class ExecutorModels {
    private static final ConcurrentMap<ModelRef, RecurrentNetwork> LOADED = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * @return the network of {@code ref}, loading it on first use in this JVM
     * @throws UsageException when the file here differs from the one the query was started with
     */
    static RecurrentNetwork get(ModelRef ref) {
        return LOADED.computeIfAbsent(ref, ExecutorModels::load);
    }

    private static RecurrentNetwork load(ModelRef ref) {
        Path file = Path.of(ref.path());
        String found = ModelRef.sha256(file);
        if (!found.equals(ref.sha256())) {
            throw new UsageException("model file " + ref.path() + " changed after the query started (SHA-256 "
                    + ref.sha256().substring(0, 12) + "… expected, " + found.substring(0, 12) + "… found); restart the query to use the new model");
        }
        return Networks.load(file);
    }
}

package dev.rnnport.spark;

import dev.rnnport.Networks;
import dev.rnnport.RnnportException;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The networks loaded in this JVM, keyed by file content and network name, shared by every task an
 * executor runs: a model is parsed once per executor, not per task or row. A loaded network is
 * immutable and safe to run from many threads. Entries stay for the JVM's life (a model is
 * typically kilobytes to a few megabytes).
 */
public final class NetworkCache {
    private static final ConcurrentHashMap<String, RecurrentNetwork> NETWORKS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private NetworkCache() {
    }

    /**
     * The network {@code networkName} names in {@code model} (or its only one), loaded on first use.
     * Tasks asking at the same time wait for the one load.
     *
     * @throws RnnportException when the file cannot be read as a model or the name matches no network
     */
    public static RecurrentNetwork get(ModelBytes model, String networkName) {
        String key = model.sha256() + "/" + (networkName == null ? "" : networkName);
        return NETWORKS.computeIfAbsent(key, k -> load(model, networkName));
    }

    /** How many times this JVM has parsed a model file: what tests check to see that caching works. */
    public static int loads() {
        return LOADS.get();
    }

    /** Forgets every network, for tests that count loads from zero. */
    public static void clear() {
        NETWORKS.clear();
    }

    private static RecurrentNetwork load(ModelBytes model, String networkName) {
        LOADS.incrementAndGet();
        // The readers recognise a format by name and content and some map the file, so the bytes go
        // to a private folder under the file's own name, removed once the network is in memory.
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rnnport-model");
            Path file = dir.resolve(model.fileName());
            Files.write(file, model.content());
            RecurrentNetwork net = Networks.load(file, new LoadOptions(networkName, null, null));
            return net;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to a temporary folder: " + e.getMessage(), e);
        } catch (RnnportException e) {
            // Say the user's file name, not the temporary copy's path.
            String msg = e.getMessage().replace(dir.resolve(model.fileName()).toString(), model.fileName());
            throw new RnnportException(e.kind(), msg, e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary file is harmless; the network is already loaded.
        }
    }
}

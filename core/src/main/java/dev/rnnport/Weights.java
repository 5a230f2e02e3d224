package dev.rnnport;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.List;

/**
 * The former front door, kept for one release so that existing callers compile.
 *
 * @deprecated use {@link Networks}, which has the same methods
 */
@Deprecated(forRemoval = true)
public final class Weights {
    private Weights() {
    }

    /** @deprecated use {@link Networks#load(Path)} */
    @Deprecated(forRemoval = true)
    public static RecurrentNetwork load(Path file) {
        return Networks.load(file);
    }

    /** @deprecated use {@link Networks#load(Path, LoadOptions)} */
    @Deprecated(forRemoval = true)
    public static RecurrentNetwork load(Path file, LoadOptions options) {
        return Networks.load(file, options);
    }

    /** @deprecated use {@link Networks#loadAll(Path, LoadOptions)} */
    @Deprecated(forRemoval = true)
    public static List<NamedNetwork> loadAll(Path file, LoadOptions options) {
        return Networks.loadAll(file, options);
    }

    /** @deprecated use {@link Networks#select(Path, List, String)} */
    @Deprecated(forRemoval = true)
    public static NamedNetwork select(Path file, List<NamedNetwork> all, String name) {
        return Networks.select(file, all, name);
    }

    /** @deprecated use {@link Networks#save(RecurrentNetwork, Path, ModelFormat, WriteOptions)} */
    @Deprecated(forRemoval = true)
    public static void save(RecurrentNetwork net, Path file, ModelFormat format, WriteOptions options) {
        Networks.save(net, file, format, options);
    }
}

package dev.rnnport;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The library's front door: load a network from any supported file, save one to any format.
 *
 * <pre>{@code
 * RecurrentNetwork net = Weights.load(Path.of("lstm.safetensors"));
 * RunOutputs out = net.forward(input);
 * }</pre>
 */
public final class Weights {
    private Weights() {
    }

    /** The only network in {@code file}. */
    public static RecurrentNetwork load(Path file) {
        return load(file, LoadOptions.DEFAULTS);
    }

    /** The network {@code options} chooses (or the only one), with the user's settings applied. */
    public static RecurrentNetwork load(Path file, LoadOptions options) {
        return select(file, loadAll(file, options), options.network()).network();
    }

    /** Every network in {@code file}, with the user's settings applied. */
    public static List<NamedNetwork> loadAll(Path file, LoadOptions options) {
        try {
            List<NamedNetwork> all = ModelFormat.detect(file).reader().read(file);
            if (all.isEmpty()) {
                throw new ModelException(file + ": no LSTM, GRU or RNN found");
            }
            return all.stream().map(n -> new NamedNetwork(n.name(), apply(n.network(), options))).toList();
        } catch (IOException e) {
            throw new ModelException(file + ": " + describe(e), e);
        }
    }

    /** Writes {@code net} in {@code format}, atomically. */
    public static void save(RecurrentNetwork net, Path file, ModelFormat format, WriteOptions options) {
        try {
            format.writer().write(net, file, options);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + describe(e), e);
        }
    }

    public static NamedNetwork select(Path file, List<NamedNetwork> all, String name) {
        if (name != null) {
            for (NamedNetwork n : all) {
                if (n.name().equals(name) || stripDot(n.name()).equals(stripDot(name))) {
                    return n;
                }
            }
            throw new UsageException(file + ": no network named '" + name + "' (found: " + names(all) + ")");
        }
        if (all.size() > 1) {
            throw new UsageException(file + " holds " + all.size() + " networks (" + names(all) + "); choose one with --network");
        }
        return all.get(0);
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String names(List<NamedNetwork> all) {
        return all.stream().map(n -> n.name().isEmpty() ? "''" : n.name()).collect(Collectors.joining(", "));
    }

    private static RecurrentNetwork apply(RecurrentNetwork net, LoadOptions o) {
        NetworkConfig c = net.config();
        if (o.batchFirst() != null) {
            c = c.withBatchFirst(o.batchFirst());
        }
        if (o.nonlinearity() != null && c.cell().isRnn()) {
            c = c.withCell(o.nonlinearity());
        }
        return c.equals(net.config()) ? net : new RecurrentNetwork(c, net.weights(), net.annotations());
    }

    /** An I/O failure in the words a user needs. */
    public static String describe(IOException e) {
        String what = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? what : (what.equals("IO") ? "" : what + ": ") + e.getMessage();
    }
}

package dev.rnnport;

import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipException;

/**
 * The library's front door: load a network from any supported file, save one in any format.
 * The format of a file to load is recognised from its name and content; the format to save in
 * is named. Every failure is an unchecked {@link RnnportException} whose kind says what went
 * wrong and whose message names the file.
 *
 * <pre>{@code
 * RecurrentNetwork net = Networks.load(Path.of("lstm.safetensors"));
 * RunOutputs out = net.forward(input);
 * Networks.save(net, Path.of("lstm.onnx"), ModelFormat.ONNX);
 * }</pre>
 */
public final class Networks {
    private Networks() {
    }

    /**
     * The only network in {@code file}, as the file describes it.
     *
     * @param file a model file in any readable format
     * @return the network
     * @throws NetworkChoiceException when the file holds several networks
     * @throws RnnportException       when the file cannot be read, is malformed, unsafe or holds none
     */
    public static RecurrentNetwork load(Path file) {
        return load(file, LoadOptions.DEFAULTS);
    }

    /**
     * The network {@code options} names (or the only one), with the settings {@code options} gives
     * in place of what the file says or cannot say (batch_first, an nn.RNN's nonlinearity).
     *
     * @param file    a model file in any readable format
     * @param options which network, and settings a PyTorch state dict does not record
     * @return the network
     * @throws NetworkChoiceException when no network has the name asked for, or none was asked for and there are several
     * @throws RnnportException       when the file cannot be read, is malformed, unsafe or holds none
     */
    public static RecurrentNetwork load(Path file, LoadOptions options) {
        return select(file, loadAll(file, options), options.network()).network();
    }

    /**
     * Every network in {@code file}, named as the file names them, with {@code options}' settings applied
     * to each ({@code options.network()} is not used).
     *
     * @param file    a model file in any readable format
     * @param options settings a PyTorch state dict does not record
     * @return the networks, at least one, in the file's order
     * @throws RnnportException when the file cannot be read, is malformed, unsafe or holds no network
     */
    public static List<NamedNetwork> loadAll(Path file, LoadOptions options) {
        try {
            List<NamedNetwork> all = ModelFormat.detect(file).reader().read(file);
            if (all.isEmpty()) {
                throw new ModelException(file + ": no LSTM, GRU or RNN found");
            }
            return all.stream().map(n -> apply(n, options)).toList();
        } catch (IOException e) {
            // A truncated file or a broken zip says more about the file than about the file system.
            RnnportException.Kind kind = e instanceof EOFException || e instanceof ZipException
                    ? RnnportException.Kind.MALFORMED : RnnportException.Kind.IO;
            throw new ModelException(kind, file + ": " + describe(e), e);
        }
    }

    /**
     * Writes {@code net} as {@code format} with the writer's default options.
     *
     * @see #save(RecurrentNetwork, Path, ModelFormat, WriteOptions)
     */
    public static void save(RecurrentNetwork net, Path file, ModelFormat format) {
        save(net, file, format, WriteOptions.DEFAULTS);
    }

    /**
     * Writes {@code net} as {@code format}. The file appears whole or not at all: it is written
     * beside its target and moved into place when complete.
     *
     * @param net     the network
     * @param file    where to write it; its folder is created when missing
     * @param format  the format to write
     * @param options choices the writer may need (the ONNX opset)
     * @throws RnnportException of kind {@link RnnportException.Kind#UNSUPPORTED} when the format cannot hold
     *                          the network (see {@link dev.rnnport.format.FormatWriter#refusal}), {@link
     *                          RnnportException.Kind#IO} when the file cannot be written
     */
    public static void save(RecurrentNetwork net, Path file, ModelFormat format, WriteOptions options) {
        try {
            format.writer().write(net, file, options);
        } catch (IOException e) {
            throw new RnnportException(RnnportException.Kind.IO, file + ": " + describe(e), e);
        } catch (ModelException e) {
            // A writer's refusal says what the format cannot hold; the message names the file too.
            if (e.getMessage() != null && !e.getMessage().contains(file.toString())) {
                throw new ModelException(e.kind(), file + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * The network named {@code name} among {@code all}, or the only one when {@code name} is null.
     * A name matches with or without a state-dict prefix's trailing dot.
     *
     * @param file the file they come from, for the message
     * @throws NetworkChoiceException when none has that name, or none was named and there are several
     */
    public static NamedNetwork select(Path file, List<NamedNetwork> all, String name) {
        if (name != null) {
            for (NamedNetwork n : all) {
                if (n.name().equals(name) || stripDot(n.name()).equals(stripDot(name))) {
                    return n;
                }
            }
            throw new NetworkChoiceException(file, names(all), name);
        }
        if (all.size() > 1) {
            throw new NetworkChoiceException(file, names(all), null);
        }
        return all.get(0);
    }

    private static List<String> names(List<NamedNetwork> all) {
        return all.stream().map(NamedNetwork::name).toList();
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The user's settings replace what the file says, and count as recorded. */
    private static NamedNetwork apply(NamedNetwork n, LoadOptions o) {
        NetworkConfig c = n.network().config();
        if (o.batchFirst() != null) {
            c = c.withBatchFirst(o.batchFirst());
            n = n.withRecorded(NamedNetwork.Setting.BATCH_FIRST);
        }
        if (o.nonlinearity() != null && c.cell().isRnn()) {
            c = c.withCell(o.nonlinearity());
            n = n.withRecorded(NamedNetwork.Setting.NONLINEARITY);
        }
        return c.equals(n.network().config()) ? n
                : n.withNetwork(new RecurrentNetwork(c, n.network().weights(), n.network().annotations()));
    }

    /**
     * An I/O failure in the words a user needs: the exception's message, prefixed with its kind
     * ({@code NoSuchFile: x.pt}) unless it is a plain IOException.
     */
    public static String describe(IOException e) {
        String what = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? what : (what.equals("IO") ? "" : what + ": ") + e.getMessage();
    }
}

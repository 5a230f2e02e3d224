package dev.rnnport.fuzz;

import dev.rnnport.format.keras.KerasH5Reader;
import dev.rnnport.format.onnx.OnnxReader;
import dev.rnnport.format.safetensors.SafetensorsReader;
import dev.rnnport.format.torch.TorchReader;
import dev.rnnport.tensor.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The readers under fuzzing, one row each. A new format plugs in by adding a row: its name, the
 * extension its files carry, where its seeds are, the call that reads a file, and a few tokens of
 * its structure.
 */
public final class FuzzTargets {
    static final Path MODELS = Path.of("testmodels");

    private FuzzTargets() {
    }

    /** Every target, in a fixed order. */
    public static List<FuzzTarget> all() {
        return List.of(
                new FuzzTarget("npy", "npy", files(MODELS.resolve("npy"), p -> p.toString().endsWith(".npy"))
                        .plus(files(MODELS.resolve("demo"), p -> p.toString().endsWith(".npy"))).list,
                        Npy::read, tokens("'descr': '<f4'", "'shape': (", "(2147483647, ", "'fortran_order': True",
                                "'<f8'", "'|b1'", "'>i8'", ", ), }", "\u0093NUMPY\u0003\u0000")),
                new FuzzTarget("safetensors", "safetensors",
                        files(MODELS.resolve("demo"), p -> p.toString().endsWith(".safetensors")).list,
                        file -> new SafetensorsReader().read(file),
                        tokens("\"shape\":[", "\"data_offsets\":[", "\"dtype\":\"BF16\"", "\"__metadata__\":{", "1e309",
                                "18446744073709551615", "-1", "[[[[[[[[", "\"\\ud800\"", "null")),
                new FuzzTarget("pt_zip", "pt", files(MODELS.resolve("torch"), FuzzTargets::zipTorchSave).list,
                        file -> new TorchReader().read(file), PICKLE_TOKENS),
                new FuzzTarget("pt_legacy", "pt", files(MODELS.resolve("torch"), FuzzTargets::legacyTorchSave).list,
                        file -> new TorchReader().read(file), PICKLE_TOKENS),
                new FuzzTarget("torchscript", "pt", files(MODELS.resolve("torch/torchscript_lstm"), p -> p.toString().endsWith(".pt")).list,
                        file -> new TorchReader().read(file), PICKLE_TOKENS),
                new FuzzTarget("onnx", "onnx", files(MODELS.resolve("onnx"), p -> p.toString().endsWith(".onnx")).list,
                        file -> new OnnxReader().read(file), tokens("\u0008\u0007", "LSTM", "GRU", "RNN", "direction",
                                "bidirectional", "hidden_size", "\u00ff\u00ff\u00ff\u00ff\u000f")),
                new FuzzTarget("keras_h5", "h5", files(MODELS.resolve("keras"), p -> p.toString().endsWith(".h5")).list,
                        file -> new KerasH5Reader().read(file), tokens("model_config", "\"class_name\": \"LSTM\"",
                                "\"units\": ", "layer_names", "weight_names", "TREE", "HEAP", "SNOD", "OHDR", "\u0089HDF\r\n")));
    }

    /**
     * Targets left out of the short run in {@code mvn test}, run only when named
     * ({@code -Drnnport.fuzz.target=NAME}); none today.
     */
    public static final java.util.Set<String> ON_DEMAND = java.util.Set.of();

    /** The target called {@code name}. */
    public static FuzzTarget named(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name));
    }

    /** Opcodes and names that the torch pickles are made of. */
    private static final List<byte[]> PICKLE_TOKENS = tokens("ctorch._utils\n_rebuild_tensor_v2\n", "\u008c\u0005torch",
            "ccollections\nOrderedDict\n", "\u0080\u0002", "\u0080\u0004\u0095", "(X\u0007\u0000\u0000\u0000storage",
            "J\u00ff\u00ff\u00ff\u007f", "\u008a\u0008\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u007f", "r\u00ff\u00ff\u00ff\u00ff",
            "\u0085R", "\u0086R", "tR", "Q", "}(", "](", "u", "e", "s", "b", "0", "2", "h\u0000", "\u0094", ".");

    private static boolean zipTorchSave(Path p) {
        return isTorchFile(p) && head(p, 2).equals("PK") && !p.toString().contains("torchscript");
    }

    private static boolean legacyTorchSave(Path p) {
        return isTorchFile(p) && !head(p, 2).equals("PK");
    }

    private static boolean isTorchFile(Path p) {
        String s = p.toString();
        return (s.endsWith(".pt") || s.endsWith(".th")) && !s.contains("hostile");
    }

    private static String head(Path p, int n) {
        try (var in = Files.newInputStream(p)) {
            return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<byte[]> tokens(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String t : s) {
            out.add(t.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** Files under a folder, sorted, small enough to mutate quickly. */
    private static Files_ files(Path root, Predicate<Path> keep) {
        try (Stream<Path> s = Files.walk(root)) {
            return new Files_(s.filter(Files::isRegularFile).filter(keep).filter(p -> size(p) <= (256 << 10))
                    .sorted(Comparator.comparing(Path::toString)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Files_(List<Path> list) {
        Files_ plus(Files_ other) {
            List<Path> l = new ArrayList<>(list);
            l.addAll(other.list);
            return new Files_(l);
        }
    }
}

package dev.rnnport.format.keras;

import dev.rnnport.nn.CellKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Keras's parameter layout as the table {@code converters/keras.properties} states it: gate orders,
 * weight names, config key names of each era, hard_sigmoid's slope. The gate permutations are
 * derived here from the letters in the table, so the table alone says which Keras block becomes
 * which IR block.
 */
final class KerasLayout {
    private static final String TABLE = "converters/keras.properties";
    private static final KerasLayout INSTANCE = load();

    private final Properties table;

    private KerasLayout(Properties table) {
        this.table = table;
    }

    static KerasLayout get() {
        return INSTANCE;
    }

    private static KerasLayout load() {
        Properties p = new Properties();
        try (InputStream in = KerasLayout.class.getClassLoader().getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("the layout table " + TABLE + " is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        return new KerasLayout(p);
    }

    List<String> words(String key) {
        String v = table.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(TABLE + " has no entry '" + key + "'");
        }
        return Arrays.asList(v.trim().split("\\s+"));
    }

    String word(String key) {
        return words(key).get(0);
    }

    private static String prefix(CellKind cell) {
        return switch (cell) {
            case LSTM -> "lstm";
            case GRU -> "gru";
            default -> "rnn";
        };
    }

    /** Keras's gate letters in its storage order. */
    List<String> kerasGates(CellKind cell) {
        return words(prefix(cell) + ".gates");
    }

    /** For each IR gate block, the index of the Keras block it comes from. */
    int[] irGateSources(CellKind cell) {
        List<String> keras = kerasGates(cell);
        List<String> ir = words(prefix(cell) + ".ir");
        int[] idx = new int[ir.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = keras.indexOf(ir.get(i));
            if (idx[i] < 0 || ir.size() != keras.size()) {
                throw new IllegalStateException(TABLE + ": gate '" + ir.get(i) + "' of " + ir + " is not one of " + keras);
            }
        }
        return idx;
    }

    /** For each Keras gate block, the index of the IR block it comes from (the inverse permutation). */
    int[] kerasGateSources(CellKind cell) {
        int[] toIr = irGateSources(cell);
        int[] inv = new int[toIr.length];
        for (int i = 0; i < toIr.length; i++) {
            inv[toIr[i]] = i;
        }
        return inv;
    }

    /** The value of the first of the era's names for a config key that the layer's config holds. */
    Object configValue(java.util.Map<String, Object> config, String key) {
        for (String name : words(key)) {
            if (config.containsKey(name)) {
                return config.get(name);
            }
        }
        return null;
    }

    /** hard_sigmoid's (alpha, beta) in the given major Keras version. */
    double[] hardSigmoid(int kerasMajor) {
        List<String> w = words(kerasMajor >= 3 ? "hard_sigmoid.keras3" : "hard_sigmoid.keras2");
        return new double[] {Double.parseDouble(w.get(0)), Double.parseDouble(w.get(1))};
    }

    String defaultRecurrentActivation(int kerasMajor) {
        return word("recurrent_activation.default.keras" + Math.max(1, Math.min(3, kerasMajor)));
    }

    boolean isInferenceIdentity(String className) {
        return words("inference_identity").contains(className);
    }
}

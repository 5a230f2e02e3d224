package dev.rnnport.format.onnx;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * ONNX's parameter layout as the table {@code converters/onnx.properties} states it: gate orders,
 * the peephole order, input slots and attribute defaults. The gate permutations are derived here
 * from the letters in the table, so the table alone says which ONNX block becomes which IR block.
 */
final class OnnxLayout {
    private static final String TABLE = "converters/onnx.properties";
    private static final OnnxLayout INSTANCE = load();

    private final Properties table;

    private OnnxLayout(Properties table) {
        this.table = table;
    }

    static OnnxLayout get() {
        return INSTANCE;
    }

    private static OnnxLayout load() {
        Properties p = new Properties();
        try (InputStream in = OnnxLayout.class.getClassLoader().getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("the layout table " + TABLE + " is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        return new OnnxLayout(p);
    }

    private String[] words(String key) {
        String v = table.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(TABLE + " has no entry '" + key + "'");
        }
        return v.trim().split("\\s+");
    }

    private static String prefix(CellKind cell) {
        return cell.moduleName().toLowerCase(Locale.ROOT);
    }

    /** For each IR gate block, the index of the ONNX block it comes from. */
    int[] irGateSources(CellKind cell) {
        return sources(words(prefix(cell) + ".gates"), words(prefix(cell) + ".ir"));
    }

    /** For each IR peephole block (i, f, o), the index of the ONNX block of P it comes from. */
    int[] irPeepholeSources() {
        return sources(words("peepholes"), words("peepholes.ir"));
    }

    private static int[] sources(String[] onnx, String[] ir) {
        List<String> from = Arrays.asList(onnx);
        int[] idx = new int[ir.length];
        for (int i = 0; i < ir.length; i++) {
            idx[i] = from.indexOf(ir[i]);
            if (idx[i] < 0 || ir.length != onnx.length) {
                throw new IllegalStateException(TABLE + ": gate '" + ir[i] + "' of " + Arrays.toString(ir)
                        + " is not one of " + from);
            }
        }
        return idx;
    }

    /** The position of a named input (X, W, R, B, sequence_lens, initial_h, initial_c, P); -1 if the cell has none. */
    int inputSlot(CellKind cell, String name) {
        return Arrays.asList(words(prefix(cell) + ".inputs")).indexOf(name);
    }

    /** The position of a named output (Y, Y_h, Y_c); -1 if the cell has none. */
    int outputSlot(CellKind cell, String name) {
        return Arrays.asList(words(prefix(cell) + ".outputs")).indexOf(name);
    }

    /** ONNX's activations for one direction when the node has no {@code activations} attribute. */
    List<Activation> defaultActivations(CellKind cell) {
        return Arrays.stream(words(prefix(cell) + ".activations")).map(Activation::parse).toList();
    }

    String defaultDirection() {
        return words("direction")[0];
    }

    long defaultInt(String attribute) {
        return Long.parseLong(words(attribute)[0]);
    }

    /** True when B holds the input bias before the recurrent one, as the table says. */
    boolean inputBiasFirst() {
        return words("bias")[0].equals("Wb");
    }
}

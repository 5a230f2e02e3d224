package dev.rnnport.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.ModelException;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.parity.ParityRow.Status;
import dev.rnnport.testing.RandomNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parity suite: networks of every configuration (cell x layers x directions x batch_first x bias
 * x proj_size x lengths x h0, seeded random weights) written in every format, read back, and run on
 * every backend — native float32, ONNX Runtime on the network and on the written .onnx file as it
 * is, TensorFlow where it is available — each against the native engine in float64 on the original
 * network, within 1e-5 (plus 1e-6 relative, see {@link Tolerance#DEFAULT}).
 *
 * <p>By default a representative seventh of the grid runs (every seventh case of the enumeration:
 * 7 is prime to every dimension's size, so every value of every dimension is covered), and a
 * quarter of those on TensorFlow too, whose graph building dominates the time; the whole grid, every
 * case on every backend, runs with {@code mvn -B test -Dtest=ParitySuiteTest -Dparity.exhaustive=true}.
 */
class ParitySuiteTest {
    static final boolean EXHAUSTIVE = Boolean.getBoolean("parity.exhaustive");
    /** The formats whose writer and reader exist; each new format is one more line. */
    static final List<Format> FORMATS = List.of(
            new Format(ModelFormat.SAFETENSORS, "safetensors"),
            new Format(ModelFormat.PT, "pt"),
            new Format(ModelFormat.ONNX, "onnx"),
            new Format(ModelFormat.KERAS_H5, "h5", true),
            new Format(ModelFormat.KERAS, "keras", true));
    static final List<String> FAST_BACKENDS = List.of("native", "onnxruntime");
    /** TensorFlow builds and optimises a graph per network (about half a second): by default a quarter of the cases use it. */
    static final List<String> ALL_BACKENDS = List.of("native", "onnxruntime", "tensorflow");

    /** @param batchMajor the format holds batch-major networks only (Keras) */
    record Format(ModelFormat format, String extension, boolean batchMajor) {
        Format(ModelFormat format, String extension) {
            this(format, extension, false);
        }
    }

    record Case(CellKind cell, int layers, boolean bidirectional, boolean batchFirst, boolean bias, int projSize,
                boolean lengths, boolean h0, Format format, long seed) {
        List<String> backends() {
            return EXHAUSTIVE || (seed / 7) % 4 == 1 ? ALL_BACKENDS : FAST_BACKENDS;
        }

        @Override
        public String toString() {
            return cell + " l" + layers + (bidirectional ? " bi" : "") + (batchFirst ? " bf" : "") + (bias ? "" : " nobias")
                    + (projSize > 0 ? " proj" + projSize : "") + (lengths ? " len" : "") + (h0 ? " h0" : "")
                    + " -> " + format.extension() + (backends().contains("tensorflow") ? " (+tensorflow)" : "");
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        long seed = 0;
        for (CellKind cell : CellKind.values()) {
            for (int layers = 1; layers <= 3; layers++) {
                for (boolean bi : new boolean[] {false, true}) {
                    for (boolean bf : new boolean[] {false, true}) {
                        for (boolean bias : new boolean[] {true, false}) {
                            for (int proj : cell == CellKind.LSTM ? new int[] {0, 3} : new int[] {0}) {
                                for (boolean len : new boolean[] {false, true}) {
                                    for (boolean h0 : new boolean[] {false, true}) {
                                        for (Format f : FORMATS) {
                                            all.add(new Case(cell, layers, bi, bf, bias, proj, len, h0, f, seed++));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return EXHAUSTIVE ? all.stream() : all.stream().filter(c -> c.seed() % 7 == 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithFloat64Everywhere(Case c, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        RecurrentNetwork net = RandomNetworks.of(c.cell(), 4, 5, c.layers(), c.bidirectional(), c.batchFirst(), c.bias(),
                c.projSize(), c.seed());
        Path file = tmp.resolve("net." + c.format().extension());
        try {
            Networks.save(net, file, c.format().format(), WriteOptions.DEFAULTS);
        } catch (ModelException refused) {
            // A format that cannot hold the network says so before writing; that refusal is tested with each writer.
            Assumptions.abort(c.format().extension() + " cannot hold it: " + refused.getMessage());
        }
        RecurrentNetwork reread = Networks.load(file);
        if (c.format().batchMajor() && !net.config().batchFirst()) {
            // Keras is batch-major: a time-major network comes back batch_first, the same function of its input.
            assertTrue(reread.config().batchFirst(), "a Keras file reads as batch_first");
            net = new RecurrentNetwork(net.config().withBatchFirst(true), net.weights());
        }
        assertEquals(withoutOptions(net.config()), withoutOptions(reread.config()), "settings survive " + c.format().extension());

        ParityInputs random = ParityInputs.random(net.config(), 6, 3, c.seed(), c.lengths());
        RunInputs in = random.inputs();
        if (!c.h0()) {
            in = in.withH0(null).withC0(null);
        }
        ParityInputs inputs = new ParityInputs(in, random.description(), true);

        List<Contender> runs = new ArrayList<>(Contenders.forModel(file, c.format().format(), reread, c.backends()));
        try (Contender reference = Contenders.reference(net)) {
            ParityReport report = new Verifier(net, Tolerance.DEFAULT).check(c.toString(), inputs, reference, runs);
            for (ParityRow row : report.rows()) {
                boolean optional = row.label().startsWith("tensorflow");
                if (optional && row.status() != Status.PASS && row.status() != Status.FAIL) {
                    continue;
                }
                assertEquals(Status.PASS, row.status(), () -> report.toTable());
            }
            assertTrue(report.count(Status.PASS) >= 2, report::toTable);
        } finally {
            runs.forEach(Contender::close);
        }
        Files.deleteIfExists(file);
    }

    /** Dropout and options are not in question here; the PyTorch settings are. */
    private static String withoutOptions(NetworkConfig c) {
        return c.cell() + " " + c.inputSize() + " " + c.hiddenSize() + " " + c.numLayers() + " " + c.bias() + " " + c.batchFirst()
                + " " + c.bidirectional() + " " + c.projSize();
    }
}

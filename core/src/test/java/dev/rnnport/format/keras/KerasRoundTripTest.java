package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * IR -> Keras file -> IR, for both Keras writers: a network read from Keras comes back exactly
 * (weights, options, masking, the recorded merge_mode and return_sequences); a PyTorch network
 * computes the same outputs (its two biases are summed into Keras's one), or is refused by name
 * when Keras cannot hold it.
 */
class KerasRoundTripTest {
    @TempDir
    Path tmp;

    static final List<ModelFormat> WRITERS = List.of(ModelFormat.KERAS_H5, ModelFormat.KERAS);

    @TestFactory
    Stream<DynamicTest> kerasNetworksComeBackExactly() {
        return WRITERS.stream().flatMap(format -> KerasCase.all().stream().map(c ->
                DynamicTest.dynamicTest(format.formatName() + " " + c.name(), () -> {
                    RecurrentNetwork net = Networks.load(c.model());
                    Path file = tmp.resolve(c.name() + "." + format.formatName());
                    if (net.config().options().masking().maskValue() == null && !net.config().options().masking().isPyTorchLike()) {
                        // A mask made by an Embedding we do not write cannot be written either.
                        ModelException e = assertThrows(ModelException.class,
                                () -> Networks.save(net, file, format, WriteOptions.DEFAULTS));
                        assertTrue(e.getMessage().contains("masking given with the run"), e.getMessage());
                        assertTrue(Files.notExists(file));
                        return;
                    }
                    if (otherErasHardSigmoid(net, format)) {
                        // Keras 2's clip(0.2x + 0.5) has no name in Keras 3 and Keras 3's clip(x/6 + 0.5) none in Keras 2.
                        ModelException e = assertThrows(ModelException.class,
                                () -> Networks.save(net, file, format, WriteOptions.DEFAULTS));
                        assertTrue(e.getMessage().contains("HardSigmoid(alpha="), e.getMessage());
                        assertTrue(Files.notExists(file));
                        return;
                    }
                    Networks.save(net, file, format, WriteOptions.DEFAULTS);
                    RecurrentNetwork back = Networks.load(file);
                    assertEquals(net.config(), back.config(), c.name());
                    assertSameWeights(net, back);
                    for (String key : List.of("keras.merge_mode", "keras.return_sequences", "keras.return_state",
                            "keras.layers", "keras.go_backwards")) {
                        assertEquals(net.annotations().get(key), back.annotations().get(key), key);
                    }
                    RunOutputs out = new NativeEngine(Precision.FLOAT64).run(back, c.inputs(back));
                    Closeness.assertClose(c.output(), out.output(), 1e-9, c.name());
                })));
    }

    @TestFactory
    Stream<DynamicTest> pytorchNetworksComputeTheSameOrAreRefused() {
        return WRITERS.stream().flatMap(format -> GridCase.all().stream().filter(g -> !g.unbatched()).map(g ->
                DynamicTest.dynamicTest(format.formatName() + " " + g.name(), () -> {
                    RecurrentNetwork net = g.network();
                    Path file = tmp.resolve(g.name() + "." + format.formatName());
                    if (net.config().projSize() > 0) {
                        ModelException e = assertThrows(ModelException.class,
                                () -> Networks.save(net, file, format, WriteOptions.DEFAULTS));
                        assertTrue(e.getMessage().contains("proj_size"), e.getMessage());
                        assertTrue(Files.notExists(file));
                        return;
                    }
                    Networks.save(net, file, format, WriteOptions.DEFAULTS);
                    RecurrentNetwork back = Networks.load(file);
                    assertTrue(back.config().batchFirst(), "Keras is batch-major");
                    assertEquals(net.config().withBatchFirst(true).withDropout(0.0), back.config());
                    RunInputs in = g.inputs();
                    Tensor x = in.input();
                    if (!net.config().batchFirst()) {
                        x = swapFirstAxes(x);
                    }
                    RunOutputs expected = g.expected64();
                    RunOutputs out = new NativeEngine(Precision.FLOAT64).run(back, new RunInputs(x, in.h0(), in.c0(), in.lengths()));
                    Tensor y = net.config().batchFirst() ? out.output() : swapFirstAxes(out.output());
                    Closeness.assertClose(expected.output(), y, 1e-6, g.name() + " output");
                    Closeness.assertClose(expected.hN(), out.hN(), 1e-6, g.name() + " h_n");
                })));
    }

    static boolean otherErasHardSigmoid(RecurrentNetwork net, ModelFormat format) {
        double alpha = format == ModelFormat.KERAS ? 1.0 / 6.0 : 0.2;
        return net.config().options().forwardActivations().stream()
                .anyMatch(a -> a.kind() == dev.rnnport.nn.Activation.Kind.HARD_SIGMOID && a.alpha() != alpha);
    }

    static Tensor swapFirstAxes(Tensor t) {
        int a = t.dim(0);
        int b = t.dim(1);
        int rest = t.size() / (a * b);
        double[] out = new double[t.size()];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(t.data(), (i * b + j) * rest, out, (j * a + i) * rest, rest);
            }
        }
        int[] shape = t.shape().clone();
        shape[0] = b;
        shape[1] = a;
        return Tensor.of(t.dtype(), shape, out);
    }

    static void assertSameWeights(RecurrentNetwork a, RecurrentNetwork b) {
        for (int i = 0; i < a.weights().size(); i++) {
            DirectionWeights x = a.weights().get(i);
            DirectionWeights y = b.weights().get(i);
            assertEquals(x.wIh(), y.wIh(), "weight_ih " + i);
            assertEquals(x.wHh(), y.wHh(), "weight_hh " + i);
            assertEquals(x.bIh(), y.bIh(), "bias_ih " + i);
            assertEquals(x.bHh(), y.bHh(), "bias_hh " + i);
        }
    }
}

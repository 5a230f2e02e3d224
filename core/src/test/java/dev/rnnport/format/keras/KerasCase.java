package dev.rnnport.format.keras;

import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One folder of testmodels/keras/generated: a tf.keras-layout model.h5, its input and the float64
 * references of testmodels/generate/make_keras_files.py, in the IR's shapes.
 */
record KerasCase(String name, Path dir, Tensor input, Tensor output, Tensor hN, Tensor cN, Tensor kerasOutput, Tensor mask) {
    static final Path ROOT = Path.of("testmodels", "keras", "generated");

    Path model() {
        return dir.resolve("model.h5");
    }

    /** The run inputs: the mask too when the network takes its mask with the run (after Embedding mask_zero). */
    dev.rnnport.nn.RunInputs inputs(dev.rnnport.nn.RecurrentNetwork net) {
        dev.rnnport.nn.Masking m = net.config().options().masking();
        dev.rnnport.nn.RunInputs in = dev.rnnport.nn.RunInputs.of(input);
        return !m.isPyTorchLike() && m.maskValue() == null ? in.withMask(mask) : in;
    }

    /** Every case whose file holds one network (two_networks has its own test). */
    static List<KerasCase> all() {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(Files::isDirectory).filter(d -> !d.endsWith("two_networks")).sorted().map(KerasCase::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KerasCase named(String name) {
        return read(ROOT.resolve(name));
    }

    static KerasCase read(Path dir) {
        return new KerasCase(dir.getFileName().toString(), dir, npy(dir, "input"), npy(dir, "output"), npy(dir, "h_n"),
                npy(dir, "c_n"), npy(dir, "keras_output"), npy(dir, "mask"));
    }

    private static Tensor npy(Path dir, String name) {
        Path p = dir.resolve(name + ".npy");
        try {
            return Files.exists(p) ? Npy.read(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

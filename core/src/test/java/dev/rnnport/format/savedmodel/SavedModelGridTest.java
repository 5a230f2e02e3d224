package dev.rnnport.format.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The PyTorch grid's {@code torch.save} files converted to SavedModels, loaded by TF Java's own
 * {@link SavedModelBundle} and run through the serving_default signature (input_only when PyTorch
 * was run without an initial state): PyTorch's float32
 * outputs within 1e-5. The SavedModel takes no lengths, so the cases run with lengths are left out.
 */
class SavedModelGridTest {
    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> ptToSavedModelRunsInTensorFlowLikePyTorch() {
        return GridCase.tests(c -> !c.hasLengths(), c -> {
            RecurrentNetwork net = Networks.load(c.dir().resolve("model.pt"), c.loadOptions());
            Path dir = tmp.resolve(c.name());
            Networks.save(net, dir, ModelFormat.SAVEDMODEL, WriteOptions.DEFAULTS);
            RunOutputs got = runBundle(dir, net.config(), c.inputs());
            new Closeness(c.name() + " SavedModel", 1e-5).outputs("SavedModelBundle", c.expected(), got).check();
        });
    }

    /** Feeds the signature as a TF user would: a batch axis for unbatched input, h0/c0 only when given. */
    static RunOutputs runBundle(Path dir, NetworkConfig c, RunInputs in) {
        boolean unbatched = in.input().rank() == 2;
        Map<String, org.tensorflow.Tensor> feeds = new HashMap<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
            Tensor x = in.input();
            if (unbatched) {
                x = c.batchFirst() ? x.reshape(1, x.dim(0), x.dim(1)) : x.reshape(x.dim(0), 1, x.dim(1));
            }
            feeds.put("input", tf(x));
            if (in.h0() != null) {
                feeds.put("h0", tf(unbatched ? in.h0().reshape(in.h0().dim(0), 1, in.h0().dim(1)) : in.h0()));
            }
            if (in.c0() != null) {
                feeds.put("c0", tf(unbatched ? in.c0().reshape(in.c0().dim(0), 1, in.c0().dim(1)) : in.c0()));
            }
            // TF Java feeds every input a signature lists: without a state, the input-only signature.
            String signature = feeds.size() == 1 ? "input_only" : "serving_default";
            try (Result r = bundle.function(signature).call(feeds)) {
                Tensor y = ours(r.get("output").orElseThrow());
                Tensor h = ours(r.get("h_n").orElseThrow());
                Tensor cN = c.cell() == CellKind.LSTM ? ours(r.get("c_n").orElseThrow()) : null;
                assertEquals(c.cell() == CellKind.LSTM, r.get("c_n").isPresent(), "c_n only for LSTM");
                if (unbatched) {
                    y = y.reshape(y.size() / y.dim(2), y.dim(2));
                    h = h.reshape(h.dim(0), h.dim(2));
                    cN = cN == null ? null : cN.reshape(cN.dim(0), cN.dim(2));
                }
                return new RunOutputs(y, h, cN);
            }
        } finally {
            feeds.values().forEach(org.tensorflow.Tensor::close);
        }
    }

    static org.tensorflow.Tensor tf(Tensor t) {
        long[] dims = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        return TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(t.toFloatArray(), true, false));
    }

    static Tensor ours(org.tensorflow.Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] v = new float[(int) f.shape().size()];
        f.copyTo(DataBuffers.of(v, false, false));
        int[] shape = java.util.Arrays.stream(f.shape().asArray()).mapToInt(Math::toIntExact).toArray();
        return Tensor.ofFloats(shape, v).as(DType.F32);
    }
}

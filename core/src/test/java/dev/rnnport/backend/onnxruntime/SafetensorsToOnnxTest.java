package dev.rnnport.backend.onnxruntime;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion a user makes from PyTorch to ONNX: every grid case's state dict (safetensors,
 * with the batch_first and nonlinearity a user passes) becomes the IR, is written as ONNX and run
 * in ONNX Runtime on the inputs PyTorch was run on; the results must be PyTorch's within 1e-5.
 * Every case counts: proj_size (a Loop in ONNX), unbatched input, omitted states and lengths.
 */
class SafetensorsToOnnxTest {
    @RegisterExtension
    static final OpenBackend ORT = new OpenBackend();

    @TempDir
    static Path tmp;

    /** Through {@link OnnxRuntimeBackend#run}: written in memory, PyTorch's calling convention. */
    @TestFactory
    Stream<DynamicTest> inMemory() {
        return GridCase.tests(c -> {
            RunOutputs out = ORT.backend().run(c.network(), c.inputs(), Precision.FLOAT32);
            new Closeness(c.name(), 1e-5).outputs("ONNX Runtime vs PyTorch", c.expected(), out).check();
        });
    }

    /**
     * Through a file: what {@code rnnport convert model.safetensors model.onnx} writes, run as is.
     * The written graph is always batched and takes both states, so the test feeds what a user of
     * the file feeds: a batch axis of one for an unbatched case, zeros for omitted states. Cases
     * with lengths are left to {@link #inMemory}, since the file has no sequence-length input.
     */
    @TestFactory
    Stream<DynamicTest> asWrittenFile() {
        return GridCase.tests(c -> !c.hasLengths(), c -> {
            RecurrentNetwork net = c.network();
            Path onnx = tmp.resolve(c.name() + ".onnx");
            ModelFormat.ONNX.writer().write(net, onnx, WriteOptions.DEFAULTS);
            RunOutputs out = ORT.backend().runFile(onnx, batched(c, c.inputs()), Precision.FLOAT32);
            RunOutputs expected = c.expected();
            if (c.unbatched()) {
                expected = new RunOutputs(addBatchAxis(expected.output(), c.batchFirst() ? 0 : 1),
                        addBatchAxis(expected.hN(), 1), expected.cN() == null ? null : addBatchAxis(expected.cN(), 1));
            }
            new Closeness(c.name(), 1e-5).outputs("ONNX Runtime on the written file vs PyTorch", expected, out).check();
        });
    }

    /** The inputs as the written file takes them: a batch axis and both states. */
    private static RunInputs batched(GridCase c, RunInputs in) throws IOException {
        RecurrentNetwork net = c.network();
        int states = net.config().directions() * net.config().numLayers();
        Tensor x = in.input();
        if (c.unbatched()) {
            x = addBatchAxis(x, c.batchFirst() ? 0 : 1);
        }
        int n = c.batchFirst() ? x.dim(0) : x.dim(1);
        Tensor h0 = in.h0() == null ? Tensor.zeros(x.dtype(), states, n, net.config().outputSize())
                : c.unbatched() ? addBatchAxis(in.h0(), 1) : in.h0();
        Tensor c0 = null;
        if (c.cell() == CellKind.LSTM) {
            c0 = in.c0() == null ? Tensor.zeros(x.dtype(), states, n, net.config().hiddenSize())
                    : c.unbatched() ? addBatchAxis(in.c0(), 1) : in.c0();
        }
        return new RunInputs(x, h0, c0, null);
    }

    private static Tensor addBatchAxis(Tensor t, int axis) {
        int[] s = t.shape();
        int[] b = new int[s.length + 1];
        for (int i = 0, j = 0; i < b.length; i++) {
            b[i] = i == axis ? 1 : s[j++];
        }
        return t.reshape(b);
    }
}

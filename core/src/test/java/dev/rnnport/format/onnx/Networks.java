package dev.rnnport.format.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Comparisons of networks and the inputs our written models take. */
final class Networks {
    private Networks() {
    }

    /** Same settings and the same weight values (as float32, what the writer stores). */
    static void assertSame(RecurrentNetwork want, RecurrentNetwork got, String what) {
        assertEquals(want.config(), got.config(), what + ": config");
        for (int i = 0; i < want.weights().size(); i++) {
            DirectionWeights a = want.weights().get(i);
            DirectionWeights b = got.weights().get(i);
            same(a.wIh(), b.wIh(), what + " weights " + i + " W_ih");
            same(a.wHh(), b.wHh(), what + " weights " + i + " W_hh");
            same(a.bIh(), b.bIh(), what + " weights " + i + " b_ih");
            same(a.bHh(), b.bHh(), what + " weights " + i + " b_hh");
            same(a.wHr(), b.wHr(), what + " weights " + i + " W_hr");
            same(a.peephole(), b.peephole(), what + " weights " + i + " peephole");
        }
    }

    private static void same(Tensor a, Tensor b, String what) {
        if (a == null || b == null) {
            assertEquals(a == null, b == null, what + " present");
            return;
        }
        assertArrayEquals(a.shape(), b.shape(), what + " shape");
        assertArrayEquals(a.as(DType.F32).data(), b.as(DType.F32).data(), what + " values");
    }

    /**
     * What our written model is fed for {@code in}: a batch axis for unbatched input, zeros for a
     * missing h0/c0 (the written model always takes them).
     */
    static Map<String, Tensor> feeds(RecurrentNetwork net, RunInputs in) {
        Tensor x = in.input();
        boolean unbatched = x.rank() == 2;
        if (unbatched) {
            x = net.config().batchFirst() ? x.reshape(1, x.dim(0), x.dim(1)) : x.reshape(x.dim(0), 1, x.dim(1));
        }
        int batch = net.config().batchFirst() ? x.dim(0) : x.dim(1);
        int states = net.config().directions() * net.config().numLayers();
        Map<String, Tensor> f = new LinkedHashMap<>();
        f.put("input", x);
        f.put("h0", state(in.h0(), states, batch, net.config().outputSize()));
        if (net.config().cell() == dev.rnnport.nn.CellKind.LSTM) {
            f.put("c0", state(in.c0(), states, batch, net.config().hiddenSize()));
        }
        return f;
    }

    private static Tensor state(Tensor given, int states, int batch, int size) {
        return given == null ? Tensor.zeros(DType.F32, states, batch, size) : given.reshape(states, batch, size);
    }

    /**
     * ONNX Runtime's outputs of our written model in the shapes of {@code like}'s: the written
     * model always has a batch axis, so for unbatched input they differ from the native engine's
     * by that axis of one. c_n is taken when {@code like} has one.
     */
    static RunOutputs ortOutputs(Map<String, Tensor> ort, RunOutputs like) {
        return new RunOutputs(shapedLike(ort.get("output"), like.output()), shapedLike(ort.get("h_n"), like.hN()),
                like.cN() == null ? null : shapedLike(ort.get("c_n"), like.cN()));
    }

    private static Tensor shapedLike(Tensor t, Tensor like) {
        assertEquals(t.size(), like.size(), "sizes " + t.shapeString() + " vs " + like.shapeString());
        return t.reshape(like.shape());
    }
}

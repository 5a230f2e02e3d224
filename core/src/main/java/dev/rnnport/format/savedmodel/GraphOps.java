package dev.rnnport.format.savedmodel;

import dev.rnnport.tensor.Tensor;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * TensorFlow's raw operations by their op names, added to one graph (or to the body of a while
 * loop, which TensorFlow builds as a graph of its own). Raw ops rather than TF Java's typed
 * {@code Ops} API because one builder serves float32 and float64 alike: the element type follows
 * from the inputs, and constants take {@link #dtype}. Names are unique within the graph.
 */
final class GraphOps {
    final Graph graph;
    /** DT_FLOAT or DT_DOUBLE: the type of every floating-point value this builder makes. */
    final DataType dtype;
    private final String prefix;
    private int counter;

    GraphOps(Graph graph, DataType dtype, String prefix) {
        this.graph = graph;
        this.dtype = dtype;
        this.prefix = prefix;
    }

    /** The same element type, for another graph (a loop body). */
    GraphOps in(Graph other, String otherPrefix) {
        return new GraphOps(other, dtype, otherPrefix);
    }

    private String unique(String type) {
        return prefix + type + "_" + counter++;
    }

    GraphOperation build(String type, String name, UnaryOperator<GraphOperationBuilder> attrs, Output<?>... inputs) {
        GraphOperationBuilder b = graph.opBuilder(type, name == null ? unique(type) : name, graph.baseScope());
        for (Output<?> in : inputs) {
            b.addInput(in);
        }
        return attrs.apply(b).build();
    }

    Output<?> op(String type, Output<?>... inputs) {
        return build(type, null, b -> b, inputs).output(0);
    }

    Output<?> named(String type, String name, Output<?>... inputs) {
        return build(type, name, b -> b, inputs).output(0);
    }

    Output<?> op(String type, UnaryOperator<GraphOperationBuilder> attrs, Output<?>... inputs) {
        return build(type, null, attrs, inputs).output(0);
    }

    // ---- constants

    Output<?> ints(int... values) {
        try (TInt32 t = TInt32.vectorOf(values)) {
            return constant(t, DataType.DT_INT32, null);
        }
    }

    Output<?> intScalar(int value) {
        try (TInt32 t = TInt32.scalarOf(value)) {
            return constant(t, DataType.DT_INT32, null);
        }
    }

    Output<?> scalar(double value) {
        return values(new int[0], new double[] {value}, null);
    }

    Output<?> tensor(Tensor t, String name) {
        return values(t.shape(), t.data(), name);
    }

    Output<?> values(int[] shape, double[] data, String name) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        if (dtype == DataType.DT_DOUBLE) {
            try (TFloat64 t = TFloat64.tensorOf(Shape.of(dims), DataBuffers.of(data, true, false))) {
                return constant(t, dtype, name);
            }
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        try (TFloat32 t = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(f, true, false))) {
            return constant(t, dtype, name);
        }
    }

    private Output<?> constant(org.tensorflow.Tensor value, DataType type, String name) {
        return build("Const", name, b -> b.setAttr("dtype", type).setAttr("value", value)).output(0);
    }

    // ---- arithmetic

    Output<?> add(Output<?> a, Output<?> b) {
        return op("AddV2", a, b);
    }

    Output<?> sub(Output<?> a, Output<?> b) {
        return op("Sub", a, b);
    }

    Output<?> mul(Output<?> a, Output<?> b) {
        return op("Mul", a, b);
    }

    /** a · bᵀ: PyTorch's weights are (out, in), so x W^T is a MatMul with transpose_b. */
    Output<?> matMulT(Output<?> a, Output<?> b) {
        return op("MatMul", x -> x.setAttr("transpose_b", true), a, b);
    }

    Output<?> select(Output<?> condition, Output<?> whenTrue, Output<?> whenFalse) {
        return op("SelectV2", condition, whenTrue, whenFalse);
    }

    Output<?> greaterEqual(Output<?> a, Output<?> b) {
        return op("GreaterEqual", a, b);
    }

    Output<?> clip(Output<?> x, double limit) {
        return op("ClipByValue", x, scalar(-limit), scalar(limit));
    }

    // ---- shapes

    Output<?> gather(Output<?> params, Output<?> indices, int axis) {
        return op("GatherV2", params, indices, intScalar(axis));
    }

    Output<?> reshape(Output<?> x, Output<?> shape) {
        return op("Reshape", x, shape);
    }

    Output<?> transpose(Output<?> x, int... perm) {
        return op("Transpose", x, ints(perm));
    }

    Output<?> reverseTime(Output<?> x) {
        return op("ReverseV2", x, ints(0));
    }

    Output<?> expandDims(Output<?> x, int axis) {
        return op("ExpandDims", x, intScalar(axis));
    }

    Output<?> shape(Output<?> x) {
        return op("Shape", x);
    }

    /** Elements [begin, begin+size) of the first axis. */
    Output<?> sliceRows(Output<?> x, int begin, int size, int rank) {
        int[] b = new int[rank];
        int[] s = new int[rank];
        b[0] = begin;
        s[0] = size;
        for (int i = 1; i < rank; i++) {
            s[i] = -1;
        }
        return op("Slice", x, ints(b), ints(s));
    }

    /** Elements [begin, begin+size) of the last axis of a matrix. */
    Output<?> sliceColumns(Output<?> x, int begin, int size) {
        return op("Slice", x, ints(0, begin), ints(-1, size));
    }

    /** {@code parts} equal pieces along {@code axis}. */
    Output<?>[] split(Output<?> x, int axis, int parts) {
        GraphOperation s = build("Split", null, b -> b.setAttr("num_split", parts), intScalar(axis), x);
        Output<?>[] out = new Output<?>[parts];
        for (int i = 0; i < parts; i++) {
            out[i] = s.output(i);
        }
        return out;
    }

    Output<?> concat(int axis, Output<?>... parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        Output<?> ax = intScalar(axis);
        return build("ConcatV2", null, b -> b.addInputList(parts).addInput(ax).setAttr("N", parts.length)).output(0);
    }

    Output<?> stack(Output<?>... parts) {
        return build("Pack", null, b -> b.addInputList(parts).setAttr("N", parts.length).setAttr("axis", 0L)).output(0);
    }

    Output<?> zerosLike(Output<?> x) {
        return op("ZerosLike", x);
    }

    Output<?> identity(Output<?> x, String name) {
        return named("Identity", name, x);
    }
}

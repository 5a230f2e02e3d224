package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.format.onnx.proto.Onnx.TensorProto;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * ONNX's semantics for the shape and arithmetic ops that exporters put between initializers and
 * recurrent weights, evaluated on {@link Tensor}s: Identity, Cast, Unsqueeze, Squeeze, Reshape,
 * Flatten, Transpose, Concat, Split, Slice, Gather, Expand, Shape, Constant, ConstantOfShape and
 * Add/Sub/Mul/Div with numpy broadcasting. Arguments that moved from attributes to inputs across
 * opsets (Squeeze/Unsqueeze axes, Split sizes, Slice bounds) are taken from wherever the node has
 * them. Results are rounded to their element type as ONNX Runtime would hold them (float16,
 * bfloat16, float32; integer division truncates). Every result's size is announced to
 * {@code reserve} before its values are allocated.
 */
final class FoldOps {
    static final Set<String> OPS = Set.of("Identity", "Cast", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Transpose",
            "Concat", "Split", "Slice", "Gather", "Expand", "Shape", "Constant", "ConstantOfShape", "Add", "Sub", "Mul", "Div");

    private final NodeProto n;
    private final LongConsumer reserve;
    private final OnnxGraph g;

    FoldOps(NodeProto n, LongConsumer reserve, OnnxGraph g) {
        this.n = n;
        this.reserve = reserve;
        this.g = g;
    }

    /** One value per output of the node. */
    Tensor[] evaluate(Tensor[] in) {
        return switch (n.getOpType()) {
            case "Identity" -> one(need(in, 0));
            case "Cast" -> one(cast(need(in, 0)));
            case "Unsqueeze" -> one(unsqueeze(need(in, 0), axes(in)));
            case "Squeeze" -> one(squeeze(need(in, 0), axes(in)));
            case "Reshape" -> one(reshape(need(in, 0), longs(need(in, 1))));
            case "Flatten" -> one(flatten(need(in, 0)));
            case "Transpose" -> one(transpose(need(in, 0)));
            case "Concat" -> one(concat(in));
            case "Split" -> split(need(in, 0), in.length > 1 ? in[1] : null);
            case "Slice" -> one(slice(need(in, 0), in));
            case "Gather" -> one(gather(need(in, 0), need(in, 1)));
            case "Expand" -> one(expand(need(in, 0), longs(need(in, 1))));
            case "Shape" -> one(shape(need(in, 0)));
            case "Constant" -> one(g.constantValue(n));
            case "ConstantOfShape" -> one(constantOfShape(need(in, 0)));
            default -> one(arithmetic(need(in, 0), need(in, 1)));
        };
    }

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    private Tensor need(Tensor[] in, int i) {
        if (i >= in.length || in[i] == null) {
            throw new ModelException("input " + i + " is missing");
        }
        return in[i];
    }

    private double[] alloc(long count) {
        reserve.accept(count);
        return new double[(int) count];
    }

    private static long[] longs(Tensor t) {
        return Arrays.stream(t.data()).mapToLong(v -> (long) v).toArray();
    }

    private long intAttr(String name, long dflt) {
        return OnnxGraph.intAttr(n, name, dflt);
    }

    private long[] intsAttr(String name) {
        List<Long> v = OnnxGraph.intsAttr(n, name);
        return v == null ? null : v.stream().mapToLong(Long::longValue).toArray();
    }

    private int axis(long a, int rank) {
        long r = a < 0 ? a + rank : a;
        if (r < 0 || r >= rank) {
            throw new ModelException("axis " + a + " is outside a tensor of rank " + rank);
        }
        return (int) r;
    }

    /** The shape {@code dims}, after its element count has been reserved (so a huge one is refused first). */
    private int[] shapeOf(long[] dims) {
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new ModelException("dimension " + i + " of the result is " + dims[i]);
            }
            count = dims[i] == 0 || count == 0 ? 0 : (count > Long.MAX_VALUE / dims[i] ? Long.MAX_VALUE : count * dims[i]);
        }
        reserve.accept(count);
        int[] s = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = Math.toIntExact(dims[i]);
        }
        return s;
    }

    // ------------------------------------------------------------------ element types

    private Tensor cast(Tensor x) {
        AttributeProto to = OnnxGraph.attribute(n, "to");
        if (to == null) {
            throw new ModelException("attribute to is missing");
        }
        TensorProto.DataType type = TensorProto.DataType.forNumber((int) to.getI());
        DType d = OnnxTensors.dtype(type, "attribute to");
        double[] out = alloc(x.size());
        double[] v = x.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = d.isFloating() ? v[i] : d == DType.BOOL ? (v[i] != 0 ? 1 : 0) : (double) (long) v[i];
        }
        return of(d, x.shape(), out);
    }

    /** A tensor of {@code d} holding {@code values} as that type holds them. */
    static Tensor of(DType d, int[] shape, double[] values) {
        if (d == DType.F16 || d == DType.BF16) {
            for (int i = 0; i < values.length; i++) {
                values[i] = d == DType.F16 ? roundToHalf(values[i]) : roundToBfloat16(values[i]);
            }
        }
        return Tensor.of(d, shape, values);
    }

    /** The nearest IEEE binary16 value (ties to even), through float as ONNX Runtime casts. */
    static double roundToHalf(double v) {
        return RawValues.halfToFloat(RawValues.floatToHalf((float) v));
    }

    /** The nearest bfloat16 value (ties to even). */
    static double roundToBfloat16(double v) {
        float f = (float) v;
        if (Float.isNaN(f)) {
            return f;
        }
        int bits = Float.floatToRawIntBits(f);
        int rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
        return RawValues.bfloat16ToFloat((short) rounded);
    }

    // ------------------------------------------------------------------ shapes

    /** Axes from the attribute (before opset 13) or the second input (from 13); null when neither. */
    private long[] axes(Tensor[] in) {
        long[] a = intsAttr("axes");
        if (a == null && in.length > 1 && in[1] != null) {
            a = longs(in[1]);
        }
        return a;
    }

    private Tensor unsqueeze(Tensor x, long[] axes) {
        if (axes == null) {
            throw new ModelException("axes are missing");
        }
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = axis(a, rank);
            if (inserted[ax]) {
                throw new ModelException("axis " + a + " is given twice");
            }
            inserted[ax] = true;
        }
        int[] shape = new int[rank];
        int src = 0;
        for (int i = 0; i < rank; i++) {
            shape[i] = inserted[i] ? 1 : x.dim(src++);
        }
        return x.reshape(shape);
    }

    private Tensor squeeze(Tensor x, long[] axes) {
        boolean[] drop = new boolean[x.rank()];
        if (axes == null) {
            for (int i = 0; i < drop.length; i++) {
                drop[i] = x.dim(i) == 1;
            }
        } else {
            for (long a : axes) {
                int ax = axis(a, x.rank());
                if (x.dim(ax) != 1) {
                    throw new ModelException("squeezes axis " + a + " of size " + x.dim(ax) + " of " + x.shapeString());
                }
                drop[ax] = true;
            }
        }
        int[] shape = new int[x.rank()];
        int r = 0;
        for (int i = 0; i < drop.length; i++) {
            if (!drop[i]) {
                shape[r++] = x.dim(i);
            }
        }
        return x.reshape(Arrays.copyOf(shape, r));
    }

    private Tensor reshape(Tensor x, long[] target) {
        boolean allowZero = intAttr("allowzero", 0) != 0;
        long[] dims = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                if (i >= x.rank()) {
                    throw new ModelException("shape " + Arrays.toString(target) + " copies axis " + i + " of " + x.shapeString());
                }
                dims[i] = x.dim(i);
            }
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new ModelException("shape " + Arrays.toString(target) + " has -1 more than once");
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw new ModelException("shape " + Arrays.toString(target) + " has a negative size");
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new ModelException("cannot reshape " + x.shapeString() + " to " + Arrays.toString(target));
            }
            dims[infer] = x.size() / known;
        }
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = (int) dims[i];
        }
        if (Shapes.size(shape) != x.size()) {
            throw new ModelException("cannot reshape " + x.shapeString() + " to " + Arrays.toString(target));
        }
        return x.reshape(shape);
    }

    private Tensor flatten(Tensor x) {
        long a = intAttr("axis", 1);
        int ax = a == x.rank() ? x.rank() : axis(a, x.rank() + 1);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= x.dim(i);
        }
        return x.reshape(outer, outer == 0 ? 0 : x.size() / outer);
    }

    private Tensor transpose(Tensor x) {
        int r = x.rank();
        long[] perm = intsAttr("perm");
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = perm == null ? r - 1 - i : axis(perm[i], r);
        }
        if (perm != null && perm.length != r) {
            throw new ModelException("perm " + Arrays.toString(perm) + " does not fit rank " + r);
        }
        int[] shape = new int[r];
        for (int i = 0; i < r; i++) {
            shape[i] = x.dim(p[i]);
        }
        double[] out = alloc(x.size());
        int[] inStrides = strides(x.shape());
        int[] idx = new int[r];
        double[] v = x.data();
        for (int o = 0; o < out.length; o++) {
            int src = 0;
            for (int i = 0; i < r; i++) {
                src += idx[i] * inStrides[p[i]];
            }
            out[o] = v[src];
            increment(idx, shape);
        }
        return Tensor.of(x.dtype(), shape, out);
    }

    private Tensor concat(Tensor[] in) {
        if (in.length == 0) {
            throw new ModelException("has no inputs");
        }
        Tensor first = need(in, 0);
        int ax = axis(intAttr("axis", 0), first.rank());
        int[] shape = first.shape();
        shape[ax] = 0;
        for (int k = 0; k < in.length; k++) {
            Tensor t = need(in, k);
            for (int i = 0; i < shape.length; i++) {
                if (t.rank() != shape.length || (i != ax && t.dim(i) != shape[i])) {
                    throw new ModelException("input " + k + " has shape " + t.shapeString() + ", which does not fit "
                            + first.shapeString() + " on axes other than " + ax);
                }
            }
            shape[ax] += t.dim(ax);
        }
        long total = Shapes.size(shape);
        double[] out = alloc(total);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= shape[i];
        }
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : in) {
                int chunk = outer == 0 ? 0 : t.size() / outer;
                System.arraycopy(t.data(), o * chunk, out, pos, chunk);
                pos += chunk;
            }
        }
        return Tensor.of(first.dtype(), shape, out);
    }

    private Tensor[] split(Tensor x, Tensor sizes) {
        int ax = axis(intAttr("axis", 0), x.rank());
        long[] parts = intsAttr("split");
        if (parts == null && sizes != null) {
            parts = longs(sizes);
        }
        int outputs = n.getOutputCount();
        if (parts == null) {
            long count = intAttr("num_outputs", outputs);
            long each = (x.dim(ax) + count - 1) / count;
            parts = new long[(int) count];
            long left = x.dim(ax);
            for (int i = 0; i < count; i++) {
                parts[i] = Math.min(each, left);
                left -= parts[i];
            }
        }
        if (Arrays.stream(parts).sum() != x.dim(ax) || Arrays.stream(parts).anyMatch(p -> p < 0)) {
            throw new ModelException("split " + Arrays.toString(parts) + " does not add up to axis " + ax + " of " + x.shapeString());
        }
        Tensor[] out = new Tensor[parts.length];
        long start = 0;
        for (int k = 0; k < parts.length; k++) {
            out[k] = sliceAxis(x, ax, start, parts[k]);
            start += parts[k];
        }
        return out;
    }

    private Tensor sliceAxis(Tensor x, int ax, long start, long count) {
        long[] starts = new long[x.rank()];
        long[] steps = new long[x.rank()];
        long[] counts = new long[x.rank()];
        for (int i = 0; i < x.rank(); i++) {
            steps[i] = 1;
            counts[i] = x.dim(i);
        }
        starts[ax] = start;
        counts[ax] = count;
        return strided(x, starts, steps, counts);
    }

    private Tensor slice(Tensor x, Tensor[] in) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (OnnxGraph.attribute(n, "starts") != null) {
            starts = intsAttr("starts");
            ends = intsAttr("ends");
            axes = intsAttr("axes");
        } else {
            starts = longs(need(in, 1));
            ends = longs(need(in, 2));
            axes = in.length > 3 && in[3] != null ? longs(in[3]) : null;
            steps = in.length > 4 && in[4] != null ? longs(in[4]) : null;
        }
        if (ends == null || ends.length != starts.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new ModelException("starts, ends, axes and steps differ in length");
        }
        int r = x.rank();
        long[] from = new long[r];
        long[] step = new long[r];
        long[] count = new long[r];
        for (int i = 0; i < r; i++) {
            step[i] = 1;
            count[i] = x.dim(i);
        }
        for (int k = 0; k < starts.length; k++) {
            int ax = axis(axes == null ? k : axes[k], r);
            long dim = x.dim(ax);
            long st = steps == null ? 1 : steps[k];
            if (st == 0) {
                throw new ModelException("step 0 on axis " + ax);
            }
            long s = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (st > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
                count[ax] = Math.max(0, (e - s + st - 1) / st);
            } else {
                s = Math.max(0, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
                count[ax] = Math.max(0, (s - e + (-st) - 1) / (-st));
            }
            from[ax] = s;
            step[ax] = st;
        }
        return strided(x, from, step, count);
    }

    /** Elements start + i*step on each axis, count of them. */
    private Tensor strided(Tensor x, long[] start, long[] step, long[] count) {
        int[] shape = shapeOf(count);
        double[] out = new double[(int) Shapes.size(shape)];
        int[] strides = strides(x.shape());
        int[] idx = new int[shape.length];
        double[] v = x.data();
        for (int o = 0; o < out.length; o++) {
            long src = 0;
            for (int i = 0; i < shape.length; i++) {
                src += (start[i] + idx[i] * step[i]) * strides[i];
            }
            out[o] = v[(int) src];
            increment(idx, shape);
        }
        return Tensor.of(x.dtype(), shape, out);
    }

    private Tensor gather(Tensor data, Tensor indices) {
        int ax = axis(intAttr("axis", 0), data.rank());
        int dim = data.dim(ax);
        long[] index = longs(indices);
        for (int i = 0; i < index.length; i++) {
            long k = index[i] < 0 ? index[i] + dim : index[i];
            if (k < 0 || k >= dim) {
                throw new ModelException("index " + index[i] + " is outside axis " + ax + " of size " + dim);
            }
            index[i] = k;
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= data.dim(i);
        }
        int inner = dim == 0 ? 0 : data.size() / outer / dim;
        long[] dims = new long[data.rank() - 1 + indices.rank()];
        int p = 0;
        for (int i = 0; i < ax; i++) {
            dims[p++] = data.dim(i);
        }
        for (int i = 0; i < indices.rank(); i++) {
            dims[p++] = indices.dim(i);
        }
        for (int i = ax + 1; i < data.rank(); i++) {
            dims[p++] = data.dim(i);
        }
        int[] shape = shapeOf(dims);
        double[] out = new double[(int) Shapes.size(shape)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (long k : index) {
                System.arraycopy(data.data(), (int) ((o * (long) dim + k) * inner), out, pos, inner);
                pos += inner;
            }
        }
        return Tensor.of(data.dtype(), shape, out);
    }

    private Tensor expand(Tensor x, long[] target) {
        int[] shape = shapeOf(broadcast(Arrays.stream(x.shape()).asLongStream().toArray(), target));
        return Tensor.of(x.dtype(), shape, spread(x, shape, new double[(int) Shapes.size(shape)]));
    }

    private Tensor shape(Tensor x) {
        int r = x.rank();
        long s = intAttr("start", 0);
        long e = intAttr("end", r);
        s = Math.max(0, Math.min(r, s < 0 ? s + r : s));
        e = Math.max(0, Math.min(r, e < 0 ? e + r : e));
        int len = (int) Math.max(0, e - s);
        double[] out = alloc(len);
        for (int i = 0; i < len; i++) {
            out[i] = x.dim((int) s + i);
        }
        return Tensor.of(DType.I64, new int[] {len}, out);
    }

    private Tensor constantOfShape(Tensor dims) {
        AttributeProto a = OnnxGraph.attribute(n, "value");
        Tensor value = a == null ? Tensor.zeros(DType.F32, 1) : OnnxTensors.toTensor(a.getT(), "attribute value");
        if (value.size() != 1) {
            throw new ModelException("attribute value has " + value.size() + " elements, expected one");
        }
        int[] shape = shapeOf(longs(dims));
        double[] out = new double[(int) Shapes.size(shape)];
        Arrays.fill(out, value.data()[0]);
        return of(value.dtype(), shape, out);
    }

    private Tensor arithmetic(Tensor a, Tensor b) {
        int[] shape = shapeOf(broadcast(Arrays.stream(a.shape()).asLongStream().toArray(),
                Arrays.stream(b.shape()).asLongStream().toArray()));
        double[] x = spread(a, shape, new double[(int) Shapes.size(shape)]);
        reserve.accept(x.length);
        double[] y = spread(b, shape, new double[x.length]);
        boolean integer = !a.dtype().isFloating();
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (n.getOpType()) {
                case "Add" -> x[i] + y[i];
                case "Sub" -> x[i] - y[i];
                case "Mul" -> x[i] * y[i];
                default -> integer ? (double) ((long) x[i] / nonZero((long) y[i])) : x[i] / y[i];
            };
            if (a.dtype() == DType.F32) {
                x[i] = (float) x[i];
            }
        }
        return of(a.dtype(), shape, x);
    }

    private long nonZero(long v) {
        if (v == 0) {
            throw new ModelException("integer division by zero");
        }
        return v;
    }

    // ------------------------------------------------------------------ index helpers

    /** numpy's broadcast of two shapes. */
    private long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            long db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ModelException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code x} broadcast to {@code shape}, written into {@code out}. */
    private static double[] spread(Tensor x, int[] shape, double[] out) {
        int r = shape.length;
        int[] src = x.shape();
        int[] srcStrides = strides(src);
        int[] strides = new int[r];
        for (int i = 0; i < src.length; i++) {
            strides[r - src.length + i] = src[i] == 1 ? 0 : srcStrides[i];
        }
        int[] idx = new int[r];
        double[] v = x.data();
        for (int o = 0; o < out.length; o++) {
            int s = 0;
            for (int i = 0; i < r; i++) {
                s += idx[i] * strides[i];
            }
            out[o] = v[s];
            increment(idx, shape);
        }
        return out;
    }

    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    private static void increment(int[] idx, int[] shape) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < shape[i]) {
                return;
            }
            idx[i] = 0;
        }
    }
}

package dev.rnnport.tensor;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A dense row-major array: a shape and its values. Values are seen as doubles whatever the
 * element type, so one code path serves float32 and float64; {@link #dtype()} records what the
 * file stored, and float32 tensors hold only values that a float can represent.
 *
 * <p>A float32 tensor made from floats ({@link #ofFloats}, what the readers of big files make)
 * keeps them as floats, half the memory, until someone asks for {@link #data()}; the doubles are
 * then made once and kept. Writers read such tensors through {@link #value} and
 * {@link #encode(int, int, DType, ByteBuffer)}, which never make the doubles.
 *
 * <p>Tensors are treated as immutable: {@link #data()} exposes the backing array for speed and
 * callers must not write to it.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    /** The values as floats when made from floats, else null. */
    private final float[] floats;
    /** The values as doubles: given, or made from {@link #floats} on first use (benign race: equal arrays). */
    private volatile double[] data;

    private Tensor(DType dtype, int[] shape, double[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.floats = null;
    }

    private Tensor(int[] shape, float[] floats) {
        this.dtype = DType.F32;
        this.shape = shape;
        this.floats = floats;
    }

    /** Wraps {@code data} (not copied). Float32 values are rounded to float so the tensor means what it says. */
    public static Tensor of(DType dtype, int[] shape, double[] data) {
        long size = Shapes.size(shape);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " holds " + size
                    + " values but " + data.length + " were given");
        }
        if (dtype == DType.F32) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) data[i];
            }
        }
        return new Tensor(dtype, shape.clone(), data);
    }

    /** Wraps {@code values} (not copied) as a float32 tensor, held as floats. */
    public static Tensor ofFloats(int[] shape, float[] values) {
        long size = Shapes.size(shape);
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " holds " + size
                    + " values but " + values.length + " were given");
        }
        return new Tensor(shape.clone(), values);
    }

    public static Tensor ofDoubles(int[] shape, double... values) {
        return of(DType.F64, shape, values.clone());
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return new Tensor(dtype, shape.clone(), new double[Math.toIntExact(Shapes.size(shape))]);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return floats != null ? floats.length : data.length;
    }

    /** The backing values in row-major order; do not modify. Made on first use for a tensor held as floats. */
    public double[] data() {
        double[] d = data;
        if (d == null) {
            d = new double[floats.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = floats[i];
            }
            data = d;
        }
        return d;
    }

    /** The value at row-major position {@code i}, without making {@link #data()}. */
    public double value(int i) {
        return floats != null ? floats[i] : data[i];
    }

    /**
     * Writes {@code count} values from row-major position {@code from} into {@code out} as
     * {@code encoding} (F32, F64, I32 or I64, in {@code out}'s byte order), without making
     * {@link #data()}; {@code out} must have room.
     */
    public void encode(int from, int count, DType encoding, ByteBuffer out) {
        if (floats != null && encoding == DType.F32) {
            out.asFloatBuffer().put(floats, from, count); // a view in out's byte order
            out.position(out.position() + 4 * count);
            return;
        }
        if (floats != null) {
            for (int i = from; i < from + count; i++) {
                RawValues.encode(out, floats[i], encoding);
            }
            return;
        }
        for (int i = from; i < from + count; i++) {
            RawValues.encode(out, data[i], encoding);
        }
    }

    public double get(int... index) {
        return value(Shapes.offset(shape, index));
    }

    public float[] toFloatArray() {
        if (floats != null) {
            return floats.clone();
        }
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    /** Same values, another shape of the same size. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size()) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.format(shape) + " to " + Shapes.format(newShape));
        }
        return floats != null ? new Tensor(newShape.clone(), floats) : new Tensor(dtype, newShape.clone(), data);
    }

    /** The same values stored as {@code target}; float32 rounds. */
    public Tensor as(DType target) {
        return target == dtype ? this : of(target, shape, data().clone());
    }

    public String shapeString() {
        return Shapes.format(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(data(), t.data());
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data());
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + " " + dtype;
    }
}

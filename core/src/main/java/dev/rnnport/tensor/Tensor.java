package dev.rnnport.tensor;

import java.util.Arrays;

/**
 * A dense row-major array: a shape and its values. Values are held as doubles whatever the
 * element type, so one code path serves float32 and float64; {@link #dtype()} records what the
 * file stored, and float32 tensors hold only values that a float can represent.
 *
 * <p>Tensors are treated as immutable: {@link #data()} exposes the backing array for speed and
 * callers must not write to it.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final double[] data;

    private Tensor(DType dtype, int[] shape, double[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
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

    public static Tensor ofFloats(int[] shape, float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new Tensor(DType.F32, shape.clone(), d);
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
        return data.length;
    }

    /** The backing values in row-major order; do not modify. */
    public double[] data() {
        return data;
    }

    public double get(int... index) {
        return data[Shapes.offset(shape, index)];
    }

    public float[] toFloatArray() {
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    /** Same values, another shape of the same size. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.format(shape) + " to " + Shapes.format(newShape));
        }
        return new Tensor(dtype, newShape.clone(), data);
    }

    /** The same values stored as {@code target}; float32 rounds. */
    public Tensor as(DType target) {
        return target == dtype ? this : of(target, shape, data.clone());
    }

    public String shapeString() {
        return Shapes.format(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + " " + dtype;
    }
}

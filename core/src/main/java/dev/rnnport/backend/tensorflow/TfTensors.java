package dev.rnnport.backend.tensorflow;

import dev.rnnport.ModelException;
import dev.rnnport.nn.Precision;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Copies between our {@link Tensor} and TensorFlow's tensors. The caller closes the TF tensors it gets. */
final class TfTensors {
    private TfTensors() {
    }

    static Shape shape(int... dims) {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[i];
        }
        return Shape.of(s);
    }

    /** Values of {@code shape} in the element type of {@code precision}. */
    static org.tensorflow.Tensor floating(Precision precision, int[] shape, double[] values) {
        if (precision == Precision.FLOAT64) {
            return TFloat64.tensorOf(shape(shape), DataBuffers.of(values, true, false));
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return TFloat32.tensorOf(shape(shape), DataBuffers.of(f, true, false));
    }

    static TBool bools(int[] shape, boolean[] values) {
        return TBool.tensorOf(shape(shape), DataBuffers.of(values, true, false));
    }

    /** A float, double or integer TF tensor as ours (F32 or F64; integers as F64). */
    static Tensor toTensor(org.tensorflow.Tensor t, String what) {
        long[] dims = t.shape().asArray();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = Math.toIntExact(dims[i]);
        }
        int size = Math.toIntExact(t.shape().size());
        double[] values = new double[size];
        if (t instanceof TFloat64 d) {
            d.copyTo(DataBuffers.of(values, false, false));
            return Tensor.of(DType.F64, shape, values);
        }
        if (t instanceof TFloat32 f) {
            float[] v = new float[size];
            f.copyTo(DataBuffers.of(v, false, false));
            return Tensor.ofFloats(shape, v);
        }
        if (t instanceof TInt32 i32) {
            int[] v = new int[size];
            i32.copyTo(DataBuffers.of(v, false, false));
            for (int k = 0; k < size; k++) {
                values[k] = v[k];
            }
            return Tensor.of(DType.F64, shape, values);
        }
        if (t instanceof TInt64 i64) {
            long[] v = new long[size];
            i64.copyTo(DataBuffers.of(v, false, false));
            for (int k = 0; k < size; k++) {
                values[k] = v[k];
            }
            return Tensor.of(DType.F64, shape, values);
        }
        throw new ModelException(what + ": element type " + t.dataType() + " is not a number rnnport reads");
    }
}

package dev.rnnport.spark;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Converts between Spark values and rnnport tensors for sequences held one per row: a column of
 * type {@code array<array<float>>} (or {@code double}) is a sequence of feature vectors, one inner
 * array per time step. Shared by batch scoring and streaming, so both read and write rows the same way.
 *
 * <pre>{@code
 * double[][] steps = SequenceRows.steps(row.get(i));          // null when the value is null
 * String problem = SequenceRows.problem(steps, 8, true);       // null when fine
 * Tensor x = SequenceRows.toTensor(steps, DType.F32);          // (seq_len, 8), unbatched
 * float[][] value = SequenceRows.floatMatrix(out.data(), 0, steps.length, width);   // a row value again
 * }</pre>
 */
public final class SequenceRows {
    /** The type written for float32 results: {@code array<array<float>>}, no nulls. */
    public static final ArrayType FLOAT_SEQUENCE =
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
    /** The type written for float64 results: {@code array<array<double>>}, no nulls. */
    public static final ArrayType DOUBLE_SEQUENCE =
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private SequenceRows() {
    }

    /** True for {@code array<array<float>>} and {@code array<array<double>>}, with or without nulls allowed. */
    public static boolean isSequence(DataType type) {
        return type instanceof ArrayType outer && outer.elementType() instanceof ArrayType inner
                && (inner.elementType() == DataTypes.FloatType || inner.elementType() == DataTypes.DoubleType);
    }

    /** {@link #FLOAT_SEQUENCE} or {@link #DOUBLE_SEQUENCE}. */
    public static ArrayType sequenceType(boolean asFloat) {
        return asFloat ? FLOAT_SEQUENCE : DOUBLE_SEQUENCE;
    }

    /**
     * A row's sequence value as one array of features per step.
     *
     * @param value what {@code Row.get} returns for an {@code array<array<float|double>>} column
     *              (Scala Seq, java.util.List or Java arrays)
     * @return the steps, or null when {@code value} is null; a null step stays a null entry, and a null
     *         feature becomes NaN (so that {@link #problem} reports it)
     */
    public static double[][] steps(Object value) {
        if (value == null) {
            return null;
        }
        int n = length(value);
        double[][] steps = new double[n][];
        for (int t = 0; t < n; t++) {
            Object step = element(value, t);
            if (step == null) {
                continue;
            }
            int f = length(step);
            double[] features = new double[f];
            for (int i = 0; i < f; i++) {
                Object v = element(step, i);
                features[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
            }
            steps[t] = features;
        }
        return steps;
    }

    /**
     * What is wrong with a sequence for a network with {@code inputSize} features, in the user's terms.
     *
     * @param steps           as {@link #steps} returns, possibly null
     * @param inputSize       the network's input_size
     * @param refuseNonFinite whether NaN and infinite features are a problem
     * @return one line such as "step 3 has 5 features, the network expects 8", or null when the sequence is fine
     */
    public static String problem(double[][] steps, int inputSize, boolean refuseNonFinite) {
        if (steps == null) {
            return "the sequence is null";
        }
        if (steps.length == 0) {
            return "the sequence is empty (no time steps)";
        }
        for (int t = 0; t < steps.length; t++) {
            if (steps[t] == null) {
                return "step " + t + " is null";
            }
            if (steps[t].length != inputSize) {
                return "step " + t + " has " + steps[t].length + " features, the network expects " + inputSize;
            }
            if (refuseNonFinite) {
                for (int i = 0; i < inputSize; i++) {
                    if (!Double.isFinite(steps[t][i])) {
                        return "step " + t + " feature " + i + " is " + steps[t][i] + " (NaN or infinite, or null)";
                    }
                }
            }
        }
        return null;
    }

    /**
     * The sequence as an unbatched (seq_len, input_size) tensor. Every step must have the same size
     * (check with {@link #problem} first).
     */
    public static Tensor toTensor(double[][] steps, DType dtype) {
        int f = steps.length == 0 ? 0 : steps[0].length;
        double[] data = new double[steps.length * f];
        for (int t = 0; t < steps.length; t++) {
            System.arraycopy(steps[t], 0, data, t * f, f);
        }
        return Tensor.of(dtype, new int[] {steps.length, f}, data);
    }

    /** Rows × cols values from {@code values} at {@code offset}, row-major, as an {@code array<array<float>>} row value. */
    public static float[][] floatMatrix(double[] values, int offset, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = (float) values[offset + r * cols + c];
            }
        }
        return m;
    }

    /** Rows × cols values from {@code values} at {@code offset}, row-major, as an {@code array<array<double>>} row value. */
    public static double[][] doubleMatrix(double[] values, int offset, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, offset + r * cols, m[r], 0, cols);
        }
        return m;
    }

    /** A 2-D tensor as a row value of {@link #sequenceType}. */
    public static Object toValue(Tensor matrix, boolean asFloat) {
        int[] s = matrix.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("expected a 2-D tensor, found shape " + matrix.shapeString());
        }
        return asFloat ? floatMatrix(matrix.data(), 0, s[0], s[1]) : doubleMatrix(matrix.data(), 0, s[0], s[1]);
    }

    private static int length(Object array) {
        if (array instanceof scala.collection.Seq<?> seq) {
            return seq.length();
        }
        if (array instanceof List<?> list) {
            return list.size();
        }
        if (array.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(array);
        }
        throw new IllegalArgumentException("expected an array value, found " + array.getClass().getName());
    }

    private static Object element(Object array, int i) {
        if (array instanceof scala.collection.Seq<?> seq) {
            return seq.apply(i);
        }
        if (array instanceof List<?> list) {
            return list.get(i);
        }
        return java.lang.reflect.Array.get(array, i);
    }
}

package dev.rnnport.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import dev.rnnport.tensor.Tensor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Test rows of (id, sequence, length) with random features and mixed lengths, and how results are compared. */
public final class TestRows {
    public static final StructType FLOAT_SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
            .add("length", DataTypes.IntegerType);
    public static final StructType DOUBLE_SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("length", DataTypes.IntegerType);

    /** How far scored values may be from the engine run on the row alone. */
    public static final double TOLERANCE = 1e-6;

    private TestRows() {
    }

    /**
     * @param count     rows
     * @param features  input_size
     * @param maxSteps  longest sequence (lengths drawn from 1..maxSteps)
     * @param seed      the draw
     * @return rows whose "length" column holds a random valid length from 0 to the sequence's steps
     */
    public static List<Row> random(int count, int features, int maxSteps, boolean asDouble, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int steps = 1 + random.nextInt(maxSteps);
            Object seq;
            if (asDouble) {
                double[][] s = new double[steps][features];
                for (double[] step : s) {
                    for (int f = 0; f < features; f++) {
                        step[f] = random.nextDouble(-2, 2);
                    }
                }
                seq = s;
            } else {
                float[][] s = new float[steps][features];
                for (float[] step : s) {
                    for (int f = 0; f < features; f++) {
                        step[f] = (float) random.nextDouble(-2, 2);
                    }
                }
                seq = s;
            }
            rows.add(RowFactory.create((long) i, seq, random.nextInt(steps + 1)));
        }
        return rows;
    }

    /** Random float sequences; see {@link #random(int, int, int, boolean, long)}. */
    public static List<Row> random(int count, int features, int maxSteps, long seed) {
        return random(count, features, maxSteps, false, seed);
    }

    /** Within {@link #TOLERANCE} of what the engine gives, relative to the value when it exceeds 1. */
    public static void assertClose(Tensor expected, Object actual, Row row, String column) {
        if (expected == null || actual == null) {
            throw new AssertionError(column + " missing for row " + row.getAs("id"));
        }
        double[][] got = SequenceRows.steps(actual);
        int[] shape = expected.shape();
        if (got.length != shape[0]) {
            throw new AssertionError(column + " of row " + row.getAs("id") + " has " + got.length + " rows, expected " + shape[0]);
        }
        double[] want = expected.data();
        for (int i = 0; i < shape[0]; i++) {
            if (got[i].length != shape[1]) {
                throw new AssertionError(column + "[" + i + "] of row " + row.getAs("id") + " has " + got[i].length
                        + " values, expected " + shape[1]);
            }
            for (int j = 0; j < shape[1]; j++) {
                double w = want[i * shape[1] + j];
                if (!(Math.abs(w - got[i][j]) <= TOLERANCE * Math.max(1, Math.abs(w)))) {
                    throw new AssertionError(column + "[" + i + "][" + j + "] of row " + row.getAs("id") + " is "
                            + got[i][j] + ", the engine alone gives " + w);
                }
            }
        }
    }
}

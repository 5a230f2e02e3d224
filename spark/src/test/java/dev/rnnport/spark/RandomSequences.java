package dev.rnnport.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Rows of (id, sequence, length) with random features and mixed lengths, reproducible from a seed. */
final class RandomSequences {
    static final StructType FLOAT_SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
            .add("length", DataTypes.IntegerType);
    static final StructType DOUBLE_SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("length", DataTypes.IntegerType);

    private RandomSequences() {
    }

    /**
     * @param count     rows
     * @param features  input_size
     * @param maxSteps  longest sequence (lengths drawn from 1..maxSteps)
     * @param asDouble  double features instead of float
     * @param seed      the draw
     * @return rows whose "length" column holds a random valid length from 0 to the sequence's steps
     */
    static List<Row> rows(int count, int features, int maxSteps, boolean asDouble, long seed) {
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
}

package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SequenceRowsTest extends SparkSessionTest {
    @Test
    void javaArraysWrittenToRowsComeBackAsTheSameSteps() {
        StructType schema = new StructType().add("f", SequenceRows.FLOAT_SEQUENCE).add("d", SequenceRows.DOUBLE_SEQUENCE);
        float[][] f = {{1.5f, -2f}, {3f, 0.25f}, {7f, 8f}};
        double[][] d = {{0.1, 0.2, 0.3}};
        List<Row> back = spark.createDataFrame(List.of(RowFactory.create(f, d)), schema).collectAsList();
        double[][] fs = SequenceRows.steps(back.get(0).get(0));
        assertEquals(3, fs.length);
        assertArrayEquals(new double[] {3, 0.25}, fs[1]);
        assertArrayEquals(d[0], SequenceRows.steps(back.get(0).get(1))[0]);
    }

    @Test
    void sequenceTypesAreRecognised() {
        assertTrue(SequenceRows.isSequence(SequenceRows.FLOAT_SEQUENCE));
        assertTrue(SequenceRows.isSequence(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType))));
        assertFalse(SequenceRows.isSequence(DataTypes.createArrayType(DataTypes.FloatType)));
        assertFalse(SequenceRows.isSequence(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType))));
    }

    @Test
    void problemsAreNamedByStep() {
        assertEquals("the sequence is null", SequenceRows.problem(null, 2, false));
        assertEquals("the sequence is empty (no time steps)", SequenceRows.problem(new double[0][], 2, false));
        assertEquals("step 1 is null", SequenceRows.problem(new double[][] {{1, 2}, null}, 2, false));
        assertEquals("step 0 has 3 features, the network expects 2",
                SequenceRows.problem(new double[][] {{1, 2, 3}}, 2, false));
        double[][] nan = {{1, 2}, {3, Double.NaN}};
        assertNull(SequenceRows.problem(nan, 2, false));
        assertTrue(SequenceRows.problem(nan, 2, true).startsWith("step 1 feature 1 is NaN"));
        assertEquals(1.0, SequenceRows.steps(java.util.Arrays.asList(java.util.Arrays.asList(1.0f, null))).length);
    }

    @Test
    void tensorsAreTimeByFeature() {
        Tensor t = SequenceRows.toTensor(new double[][] {{1, 2}, {3, 4}, {5, 6}}, DType.F32);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t.data());
        float[][] back = (float[][]) SequenceRows.toValue(t, true);
        assertArrayEquals(new float[] {5, 6}, back[2]);
    }
}

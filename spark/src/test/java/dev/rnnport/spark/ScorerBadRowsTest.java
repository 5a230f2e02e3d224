package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each kind of bad row fails the job naming the row, or with an error column gets null results and its problem. */
class ScorerBadRowsTest extends SparkSessionTest {
    /** A 2-layer LSTM with input_size 5. */
    private static final String MODEL = "testmodels/grid/lstm_l2/model.pt";

    /** Good rows (ids 0, 1, 7) around one row of each bad kind. */
    private static List<Row> rows() {
        float[] good = {0.5f, -1, 2, 0, 1};
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(0L, new float[][] {good, good}, 2));
        rows.add(RowFactory.create(1L, new float[][] {good}, 1));
        rows.add(RowFactory.create(2L, null, 1));
        rows.add(RowFactory.create(3L, new float[0][], 0));
        rows.add(RowFactory.create(4L, new float[][] {good, {1, 2, 3}}, 2));
        rows.add(RowFactory.create(5L, new float[][] {{1, 2, Float.NaN, 4, 5}}, 1));
        rows.add(RowFactory.create(6L, new float[][] {good, null}, 2));
        rows.add(RowFactory.create(7L, new float[][] {good, good, good}, 3));
        rows.add(RowFactory.create(8L, new float[][] {good, good}, 3));
        return rows;
    }

    private static final Map<Long, String> PROBLEMS = Map.of(
            2L, "the sequence is null",
            3L, "the sequence is empty (no time steps)",
            4L, "step 1 has 3 features, the network expects 5",
            5L, "step 0 feature 2 is NaN (NaN or infinite, or null)",
            6L, "step 1 is null",
            8L, "the length is 3, expected 0 to the sequence's 2 steps");

    private static Dataset<Row> dataset(List<Row> rows) {
        return spark.createDataFrame(rows, TestRows.FLOAT_SCHEMA).coalesce(1);
    }

    private static RecurrentScorer scorer() {
        return new RecurrentScorer().setModelPath(MODEL).setLengthsCol("length");
    }

    @Test
    void eachBadRowFailsTheJobWithAMessageNamingItsKey() {
        for (Map.Entry<Long, String> bad : PROBLEMS.entrySet()) {
            List<Row> rows = rows().stream().filter(r -> !PROBLEMS.containsKey(r.getLong(0)) || r.getLong(0) == bad.getKey())
                    .toList();
            Dataset<Row> scored = scorer().setKeyCol("id").transform(dataset(rows));
            Exception e = assertThrows(Exception.class, scored::collectAsList);
            BadRowException cause = badRow(e);
            assertEquals("row with id = " + bad.getKey() + ": " + bad.getValue(), cause.getMessage());
        }
    }

    @Test
    void withoutAKeyTheMessageGivesTheRowsPositionInItsPartition() {
        List<Row> rows = List.of(rows().get(0), rows().get(1), rows().get(4));
        Exception e = assertThrows(Exception.class, () -> scorer().transform(dataset(rows)).collectAsList());
        assertEquals("row 2 of partition 0 (set a key column to name rows by key): " + PROBLEMS.get(4L),
                badRow(e).getMessage());
    }

    @Test
    void withAnErrorColumnBadRowsGetNullResultsAndTheirProblem() {
        List<Row> scored = scorer().setErrorCol("error").transform(dataset(rows())).collectAsList();
        assertEquals(rows().size(), scored.size());
        for (Row row : scored) {
            long id = row.getLong(0);
            String problem = PROBLEMS.get(id);
            assertEquals(problem, row.getAs("error"), "row " + id);
            for (String column : List.of("output", "h_n", "c_n")) {
                if (problem == null) {
                    assertNotNull(row.getAs(column), column + " of row " + id);
                } else {
                    assertNull(row.getAs(column), column + " of row " + id);
                }
            }
        }
    }

    @Test
    void allowedNaNsReachTheResultsAsNaN() {
        List<Row> rows = List.of(rows().get(0), rows().get(5));
        Map<Long, Row> scored = scorer().setRefuseNaN(false).transform(dataset(rows)).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getLong(0), r -> r));
        assertTrue(Double.isNaN(SequenceRows.steps(scored.get(5L).getAs("h_n"))[0][0]));
        assertTrue(Double.isFinite(SequenceRows.steps(scored.get(0L).getAs("h_n"))[0][0]), "rows stay independent");
    }

    @Test
    void columnsThatDoNotFitAreRefusedBeforeAnyTaskRuns() {
        Dataset<Row> ds = dataset(rows());
        assertEquals("input column 'id' is bigint, expected array<array<float>> or array<array<double>>"
                        + " (one feature vector per time step)",
                assertThrows(UsageException.class, () -> scorer().setInputCol("id").transform(ds)).getMessage());
        assertEquals("input column 'features' not found; the columns are id, sequence, length",
                assertThrows(UsageException.class, () -> scorer().setInputCol("features").transform(ds)).getMessage());
        assertEquals("column 'length' already exists; choose another name for the result",
                assertThrows(UsageException.class, () -> scorer().setOutputCol("length").transform(ds)).getMessage());
        StructType flat = new StructType().add("sequence", DataTypes.createArrayType(DataTypes.FloatType));
        assertThrows(UsageException.class, () -> scorer().setLengthsCol("").transformSchema(flat));
        assertEquals("RecurrentScorer needs modelPath to be set",
                assertThrows(UsageException.class, () -> new RecurrentScorer().transform(ds)).getMessage());
    }

    private static BadRowException badRow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRowException b) {
                return b;
            }
        }
        throw new AssertionError("no BadRowException in " + e, e);
    }
}

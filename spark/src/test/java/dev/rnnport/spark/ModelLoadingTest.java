package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.RnnportException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The model file is parsed once per executor JVM (in local mode: once), whatever the number of tasks. */
class ModelLoadingTest extends SparkSessionTest {
    @Test
    void eightPartitionsAndTwoJobsParseTheModelOnce() {
        NetworkCache.clear();
        int before = NetworkCache.loads();
        Dataset<Row> input = spark.createDataFrame(TestRows.random(400, 5, 8, false, 3),
                TestRows.FLOAT_SCHEMA).repartition(8);
        RecurrentScorer scorer = new RecurrentScorer().setModelPath("testmodels/grid/lstm_l2/model.onnx").setBatchSize(10);
        assertEquals(400, scorer.transform(input).collectAsList().size());
        assertEquals(400, scorer.transform(input).collectAsList().size());
        assertEquals(1, NetworkCache.loads() - before);
    }

    @Test
    void aFileWithSeveralNetworksNeedsTheNetworkName() {
        Dataset<Row> input = spark.createDataFrame(TestRows.random(20, 4, 4, false, 3), TestRows.FLOAT_SCHEMA);
        RecurrentScorer scorer = new RecurrentScorer().setModelPath("testmodels/torch/two_rnns/model.pt");
        RnnportException e = assertThrows(RnnportException.class, () -> scorer.transform(input));
        assertTrue(e.getMessage().contains("decoder") && e.getMessage().contains("encoder"), e.getMessage());
        Row first = scorer.setNetworkName("decoder").transform(input).collectAsList().get(0);
        assertEquals(2 * 1, SequenceRows.steps(first.getAs("h_n")).length, "decoder: 2 layers, 1 direction");
    }

    @Test
    void aMissingFileIsOneLineNamingIt() {
        Dataset<Row> input = spark.createDataFrame(TestRows.random(2, 5, 4, false, 3), TestRows.FLOAT_SCHEMA);
        RnnportException e = assertThrows(RnnportException.class,
                () -> new RecurrentScorer().setModelPath("testmodels/none.pt").transform(input));
        assertEquals("testmodels/none.pt: no such file", e.getMessage());
    }
}

package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer as a pipeline stage, and a fitted pipeline saved and loaded with it. */
class PipelineTest extends SparkSessionTest {
    @Test
    void aSavedPipelineScoresAsTheOriginal(@TempDir Path dir) throws Exception {
        Dataset<Row> input = spark.createDataFrame(TestRows.random(200, 5, 9, 21), TestRows.FLOAT_SCHEMA);
        SQLTransformer select = new SQLTransformer().setStatement("SELECT id, sequence AS features FROM __THIS__");
        RecurrentScorer scorer = new RecurrentScorer().setModelPath("testmodels/grid/lstm_l2/model.safetensors")
                .setInputCol("features").setOutputCol("y").setKeyCol("id").setBatchSize(8);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {select, scorer}).fit(input);
        List<Row> first = model.transform(input).orderBy("id").collectAsList();
        assertEquals(List.of("id", "features", "y", "h_n", "c_n"), List.of(first.get(0).schema().fieldNames()));

        String saved = dir.resolve("pipeline").toString();
        model.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        RecurrentScorer restored = (RecurrentScorer) loaded.stages()[1];
        assertEquals("features", restored.getOrDefault(restored.inputCol()));
        assertEquals(8, (int) restored.getOrDefault(restored.batchSize()));
        List<Row> again = loaded.transform(input).orderBy("id").collectAsList();
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i), again.get(i), "row " + i);
        }
    }
}

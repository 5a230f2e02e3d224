package dev.rnnport.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.spark.SequenceRows;
import dev.rnnport.spark.SparkSessionTest;
import dev.rnnport.spark.TestRows;
import dev.rnnport.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end in this JVM: Parquet in, Parquet out, and one-line failures with their exit codes. */
class ScoreJobTest extends SparkSessionTest {
    private static final String MODEL = "testmodels/grid/gru_l3_bi_bf/model.onnx";
    @TempDir
    Path dir;

    @Test
    void scoresAParquetFileAsTheEngineScoresEachRow() {
        String in = dir.resolve("in.parquet").toString();
        String out = dir.resolve("out.parquet").toString();
        spark.createDataFrame(TestRows.random(300, 4, 10, 5), TestRows.FLOAT_SCHEMA).repartition(2).write().parquet(in);
        StringBuilder err = new StringBuilder();
        assertEquals(0, run(err, "score", MODEL, "--input", in, "--output", out, "--key-col", "id", "--batch-size", "16"),
                err.toString());
        List<Row> scored = spark.read().parquet(out).collectAsList();
        assertEquals(300, scored.size());
        RecurrentNetwork net = Networks.load(Path.of(MODEL));
        NativeEngine engine = new NativeEngine(Precision.FLOAT32);
        for (Row row : scored) {
            RunOutputs expected = engine.run(net,
                    RunInputs.of(SequenceRows.toTensor(SequenceRows.steps(row.getAs("sequence")), DType.F32)));
            TestRows.assertClose(expected.output(), row.getAs("output"), row, "output");
            TestRows.assertClose(expected.hN(), row.getAs("h_n"), row, "h_n");
        }
    }

    @Test
    void theBundledExampleScoresAsTheReadmeSays() {
        String out = dir.resolve("demo").toString();
        StringBuilder err = new StringBuilder();
        assertEquals(0, run(err, "score", "testmodels/demo/lstm.safetensors", "--input", "testmodels/demo/sequences.parquet",
                "--output", out, "--key-col", "id"), err.toString());
        List<Row> scored = spark.read().parquet(out).collectAsList();
        assertEquals(200, scored.size());
        assertEquals(List.of("id", "sequence", "output", "h_n", "c_n"), List.of(scored.get(0).schema().fieldNames()));
        RecurrentNetwork net = Networks.load(Path.of("testmodels/demo/lstm.safetensors"));
        NativeEngine engine = new NativeEngine(Precision.FLOAT32);
        for (Row row : scored) {
            RunOutputs expected = engine.run(net,
                    RunInputs.of(SequenceRows.toTensor(SequenceRows.steps(row.getAs("sequence")), DType.F32)));
            TestRows.assertClose(expected.output(), row.getAs("output"), row, "output");
            TestRows.assertClose(expected.cN(), row.getAs("c_n"), row, "c_n");
        }
    }

    @Test
    void aBadRowFailsTheJobWithOneLineNamingItAndAnErrorColumnKeepsIt() throws IOException {
        String in = dir.resolve("bad.parquet").toString();
        List<Row> rows = new ArrayList<>(TestRows.random(20, 4, 5, 9));
        rows.add(RowFactory.create(99L, new float[][] {{1, 2, 3}}, 1));
        spark.createDataFrame(rows, TestRows.FLOAT_SCHEMA).write().parquet(in);
        StringBuilder err = new StringBuilder();
        assertEquals(3, run(err, "score", MODEL, "--input", in, "--output", dir.resolve("o1").toString(), "--key-col", "id"));
        assertEquals("rnnport-spark: row with id = 99: step 0 has 3 features, the network expects 4\n", err.toString());
        assertFalse(Files.exists(dir.resolve("o1")), "a failed job leaves no output behind");
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".o1")), "nor its hidden work folder");
        }
        err.setLength(0);
        String out = dir.resolve("o2").toString();
        assertEquals(0, run(err, "score", MODEL, "--input", in, "--output", out, "--error-col", "problem"), err.toString());
        assertEquals(1, spark.read().parquet(out).where("problem IS NOT NULL AND output IS NULL").count());
        err.setLength(0);
        assertEquals(3, run(err, "score", MODEL, "--input", in, "--output", out), "an existing output is kept");
        assertEquals("rnnport-spark: " + out + ": already exists; give --overwrite to replace it\n", err.toString());
        assertEquals(21, spark.read().parquet(out).count());
        assertEquals(0, run(err, "score", MODEL, "--input", in, "--output", out, "--error-col", "problem", "--overwrite"));
        assertEquals(21, spark.read().parquet(out).count());
    }

    @Test
    void badUsageIsOneLineAndExitCodeTwo() {
        StringBuilder err = new StringBuilder();
        assertEquals(2, run(err, "score", MODEL, "--input", "x"));
        assertTrue(err.toString().startsWith("rnnport-spark: --input and --output are required; usage: score MODEL"), err.toString());
        assertEquals(1, err.toString().split("\n").length);
        err.setLength(0);
        assertEquals(2, run(err, "score", MODEL, "--input", "x", "--output", "y", "--batch-size", "0"));
        assertEquals("rnnport-spark: --batch-size must be a whole number of at least 1, found '0'\n", err.toString());
        err.setLength(0);
        assertEquals(3, run(err, "score", MODEL, "--input", dir.resolve("absent").toString(), "--output", "y"));
        assertEquals(1, err.toString().split("\n").length, err.toString());
        assertTrue(err.toString().contains("absent"), err.toString());
    }

    private static int run(StringBuilder err, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = ScoreJob.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        err.append(bytes.toString(StandardCharsets.UTF_8));
        return code;
    }
}

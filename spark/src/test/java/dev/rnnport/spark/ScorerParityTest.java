package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scoring on Spark gives every row what the native engine gives that row run alone: the reference
 * is {@code Networks.load(file)} and one engine call per sequence, with no batching or padding.
 */
class ScorerParityTest extends SparkSessionTest {
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("lstm_l3_bi/model.pt", 2000, "padded"),
                Arguments.of("lstm_l3_bi/model.pt", 600, "equal-length"),
                Arguments.of("lstm_l2/model.onnx", 400, "padded"),
                Arguments.of("lstm_l2_bi_proj_len/model.safetensors", 400, "padded"),
                Arguments.of("gru_l3_bi_bf/model.onnx", 600, "padded"),
                Arguments.of("gru_l2_bi_h0/model.safetensors", 400, "equal-length"),
                Arguments.of("rnn_relu_l2_bi_bf_h0/model.onnx", 400, "padded"),
                Arguments.of("rnn_tanh_l2_bi_bf/model.pt", 400, "equal-length"),
                Arguments.of("rnn_tanh_l3_bi_h0/model.safetensors", 400, "padded"));
    }

    @ParameterizedTest(name = "{0} {1} rows {2}")
    @MethodSource("models")
    void everyRowMatchesTheEngineOnThatRowAlone(String model, int rows, String strategy) {
        Path file = Path.of("testmodels/grid", model);
        RecurrentNetwork net = Networks.load(file);
        Dataset<Row> input = spark.createDataFrame(TestRows.random(rows, net.config().inputSize(), 24, false,
                model.hashCode()), TestRows.FLOAT_SCHEMA).repartition(3);
        RecurrentScorer scorer = new RecurrentScorer().setModelPath(file.toString()).setKeyCol("id")
                .setBatchSize(32).setBatchStrategy(strategy);
        List<Row> scored = scorer.transform(input).collectAsList();
        assertEquals(rows, scored.size());
        NativeEngine engine = new NativeEngine(Precision.FLOAT32);
        for (Row row : scored) {
            double[][] seq = SequenceRows.steps(row.getAs("sequence"));
            RunOutputs expected = engine.run(net, RunInputs.of(SequenceRows.toTensor(seq, DType.F32)));
            TestRows.assertClose(expected.output(), row.getAs("output"), row, "output");
            TestRows.assertClose(expected.hN(), row.getAs("h_n"), row, "h_n");
            if (net.config().cell() == CellKind.LSTM) {
                TestRows.assertClose(expected.cN(), row.getAs("c_n"), row, "c_n");
            } else {
                assertTrue(List.of(row.schema().fieldNames()).stream().noneMatch("c_n"::equals), "c_n only for LSTM");
            }
        }
    }

    @Test
    void lengthsMarkTheValidStepsAsPackedSequencesDo() {
        Path file = Path.of("testmodels/grid/lstm_l2_bi_proj_len/model.pt");
        RecurrentNetwork net = Networks.load(file);
        Dataset<Row> input = spark.createDataFrame(TestRows.random(500, net.config().inputSize(), 16, false, 7),
                TestRows.FLOAT_SCHEMA);
        List<Row> scored = new RecurrentScorer().setModelPath(file.toString()).setLengthsCol("length")
                .transform(input).collectAsList();
        NativeEngine engine = new NativeEngine(Precision.FLOAT32);
        for (Row row : scored) {
            Tensor x = SequenceRows.toTensor(SequenceRows.steps(row.getAs("sequence")), DType.F32);
            Tensor length = Tensor.of(DType.I64, new int[] {1}, new double[] {row.<Integer>getAs("length")});
            RunOutputs expected = engine.run(net, RunInputs.of(x).withLengths(length));
            TestRows.assertClose(expected.output(), row.getAs("output"), row, "output");
            TestRows.assertClose(expected.hN(), row.getAs("h_n"), row, "h_n");
            TestRows.assertClose(expected.cN(), row.getAs("c_n"), row, "c_n");
        }
    }

    @Test
    void float64ScoresDoubleSequencesInDoubles() {
        Path file = Path.of("testmodels/grid/gru_l2_bi_h0/model.pt");
        RecurrentNetwork net = Networks.load(file);
        Dataset<Row> input = spark.createDataFrame(TestRows.random(300, net.config().inputSize(), 12, true, 11),
                TestRows.DOUBLE_SCHEMA);
        Dataset<Row> out = new RecurrentScorer().setModelPath(file.toString()).setPrecision("float64").transform(input);
        assertEquals(SequenceRows.DOUBLE_SEQUENCE, out.schema().apply("output").dataType());
        NativeEngine engine = new NativeEngine(Precision.FLOAT64);
        for (Row row : out.collectAsList()) {
            Tensor x = SequenceRows.toTensor(SequenceRows.steps(row.getAs("sequence")), DType.F64);
            RunOutputs expected = engine.run(net, RunInputs.of(x));
            TestRows.assertClose(expected.output(), row.getAs("output"), row, "output");
            TestRows.assertClose(expected.hN(), row.getAs("h_n"), row, "h_n");
        }
    }
}

package dev.rnnport.spark.streaming;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming throughput in local[2]: a 2-layer LSTM (input 16, hidden 64, random weights) over 200 keys ×
 * 200 events (1 s apart, watermark 10 s) in 4 files read as one micro-batch, after a warm-up run; prints
 * the events scored per second of the timed run. Not part of the
 * test suite: run with {@code mvn -q -B test -pl spark -am -Dtest=StreamingThroughputBench -Drnnport.bench=true}.
 */
@EnabledIfSystemProperty(named = "rnnport.bench", matches = "true")
class StreamingThroughputBench {
    private static final int KEYS = 200, EVENTS = 200, INPUT = 16, HIDDEN = 64;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path tmp;

    @Test
    void throughput() throws Exception {
        Path model = tmp.resolve("lstm.onnx");
        Networks.save(randomLstm(new Random(3)), model, ModelFormat.ONNX);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("rnnport-streaming-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        try {
            Random random = new Random(5);
            EventFolder in = new EventFolder(tmp.resolve("in"), false);
            StreamingScorer scorer = StreamingScorer.builder().modelPath(model).watermark("10 seconds").build();
            in.add(events(0, 20, random));                  // warm-up: JIT, code generation, model load
            run(spark, scorer, in, 1);
            long before = spark.read().parquet(tmp.resolve("out").toString()).count();
            for (int f = 0; f < 4; f++) {
                in.add(events(20 + f * EVENTS / 4, 20 + (f + 1) * EVENTS / 4, random));
            }
            long start = System.nanoTime();
            run(spark, scorer, in, 4);
            double seconds = (System.nanoTime() - start) / 1e9;
            long scored = spark.read().parquet(tmp.resolve("out").toString()).count() - before;
            System.out.printf("streaming throughput: %d events in, %d scored, in %.1f s: %.0f events/s scored"
                    + " (LSTM 16→64 ×2 layers, %d keys, one micro-batch, local[2])%n", KEYS * EVENTS, scored, seconds, scored / seconds, KEYS);
        } finally {
            spark.stop();
        }
    }

    private void run(SparkSession spark, StreamingScorer scorer, EventFolder in, int filesPerTrigger) throws Exception {
        StructType schema = new StructType().add("key", DataTypes.StringType).add("time", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        StreamingQuery q = scorer.score(spark.readStream().schema(schema).option("maxFilesPerTrigger", filesPerTrigger).json(in.dir().toString()))
                .writeStream().format("parquet").option("path", tmp.resolve("out").toString())
                .option("checkpointLocation", tmp.resolve("checkpoint").toString())
                .outputMode("append").trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
    }

    private static List<Event> events(int from, int to, Random random) {
        List<Event> events = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            for (int i = from; i < to; i++) {
                float[] x = new float[INPUT];
                for (int j = 0; j < INPUT; j++) {
                    x[j] = (random.nextInt(4097) - 2048) / 1024f;
                }
                events.add(new Event("k" + k, T0 + i * 1000L, x));
            }
        }
        Collections.shuffle(events, random);
        return events;
    }

    private static RecurrentNetwork randomLstm(Random random) {
        NetworkConfig c = new NetworkConfig(CellKind.LSTM, INPUT, HIDDEN, 2, true, false, 0.0, false, 0,
                CellOptions.defaults(CellKind.LSTM));
        double k = 1 / Math.sqrt(HIDDEN);
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            weights.add(new DirectionWeights(uniform(random, k, 4 * HIDDEN, c.layerInputSize(layer)),
                    uniform(random, k, 4 * HIDDEN, HIDDEN), uniform(random, k, 4 * HIDDEN), uniform(random, k, 4 * HIDDEN), null, null));
        }
        return new RecurrentNetwork(c, weights);
    }

    private static Tensor uniform(Random random, double k, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * k);
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

package dev.rnnport.spark.bench;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.spark.BatchScorer;
import dev.rnnport.spark.BatchStrategy;
import dev.rnnport.spark.RecurrentScorer;
import dev.rnnport.spark.SequenceRows;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Throughput of batch scoring: the plain single-JVM loop (BatchScorer over in-memory sequences, one
 * thread) against RecurrentScorer on local[1] and local[2] over the same sequences cached in Spark,
 * written to the no-op sink. Prints Markdown table rows; every figure is the fastest and the median
 * of {@code repeats} timed runs after one untimed warm-up.
 *
 * <p>Arguments: {@code [sequences] [repeats] [batchSize]} (defaults 4000, 5, 64).
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = Files.createTempDirectory("rnnport-bench");
        List<Model> models = List.of(
                new Model("demo LSTM 8→16, 2 layers, bidirectional", Path.of("testmodels/demo/lstm.safetensors")),
                new Model("LSTM 64→128, 2 layers", save(randomLstm(64, 128, 2), dir.resolve("lstm128.safetensors"))));
        System.out.println("sequences " + count + ", lengths 10..50 (mean 30), batch " + batch + ", " + repeats
                + " runs, processors " + Runtime.getRuntime().availableProcessors());
        System.out.println("| model | run | strategy | fastest seq/s | median seq/s | fastest steps/s |");
        System.out.println("|---|---|---|---|---|---|");
        for (Model m : models) {
            RecurrentNetwork net = Networks.load(m.file);
            List<double[][]> seqs = sequences(count, net.config().inputSize(), 17);
            long steps = seqs.stream().mapToLong(s -> s.length).sum();
            for (BatchStrategy strategy : BatchStrategy.values()) {
                report(m, "plain loop, 1 thread", strategy, count, steps, time(repeats, () -> loop(net, seqs, batch, strategy)));
            }
            report(m, "plain loop, batch 1", BatchStrategy.PADDED, count, steps, time(repeats, () -> loop(net, seqs, 1, BatchStrategy.PADDED)));
            for (int cores : new int[] {1, 2}) {
                SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("rnnport bench")
                        .config("spark.ui.enabled", "false").getOrCreate();
                spark.sparkContext().setLogLevel("WARN");
                Dataset<Row> data = spark.createDataFrame(rows(seqs), new StructType().add("id", DataTypes.IntegerType)
                        .add("sequence", SequenceRows.FLOAT_SEQUENCE)).repartition(4 * cores).persist(StorageLevel.MEMORY_ONLY());
                data.count();
                for (BatchStrategy strategy : BatchStrategy.values()) {
                    RecurrentScorer scorer = new RecurrentScorer().setModelPath(m.file.toString()).setBatchSize(batch)
                            .setBatchStrategy(strategy.paramValue());
                    report(m, "Spark local[" + cores + "]", strategy, count, steps, time(repeats,
                            () -> scorer.transform(data).write().format("noop").mode("overwrite").save()));
                }
                spark.stop();
            }
        }
    }

    private record Model(String name, Path file) {
    }

    private static void loop(RecurrentNetwork net, List<double[][]> seqs, int batch, BatchStrategy strategy) {
        BatchScorer scorer = new BatchScorer(net, Precision.FLOAT32, strategy);
        for (int i = 0; i < seqs.size(); i += batch) {
            scorer.score(seqs.subList(i, Math.min(seqs.size(), i + batch)), null);
        }
    }

    private static void report(Model m, String run, BatchStrategy strategy, int count, long steps, double[] seconds) {
        double fastest = seconds[0];
        double median = seconds[seconds.length / 2];
        System.out.printf("| %s | %s | %s | %,.0f | %,.0f | %,.0f |%n", m.name, run, strategy.paramValue(),
                count / fastest, count / median, steps / fastest);
    }

    /** Sorted run times in seconds, after one warm-up run. */
    private static double[] time(int repeats, Runnable work) {
        work.run();
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            work.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return s;
    }

    private static List<double[][]> sequences(int count, int features, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[][]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[][] seq = new double[10 + r.nextInt(41)][features];
            for (double[] step : seq) {
                for (int f = 0; f < features; f++) {
                    step[f] = (float) r.nextDouble(-1, 1);
                }
            }
            out.add(seq);
        }
        return out;
    }

    private static List<Row> rows(List<double[][]> seqs) {
        List<Row> rows = new ArrayList<>(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            double[][] s = seqs.get(i);
            float[][] f = new float[s.length][];
            for (int t = 0; t < s.length; t++) {
                f[t] = new float[s[t].length];
                for (int k = 0; k < s[t].length; k++) {
                    f[t][k] = (float) s[t][k];
                }
            }
            rows.add(RowFactory.create(i, f));
        }
        return rows;
    }

    private static RecurrentNetwork randomLstm(int input, int hidden, int layers) {
        NetworkConfig config = NetworkConfig.of(CellKind.LSTM, input, hidden).withLayers(layers);
        SplittableRandom r = new SplittableRandom(5);
        double scale = 1 / Math.sqrt(hidden);
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            weights.add(DirectionWeights.of(random(r, scale, 4 * hidden, config.layerInputSize(layer)),
                    random(r, scale, 4 * hidden, hidden), random(r, scale, 4 * hidden), random(r, scale, 4 * hidden)));
        }
        return new RecurrentNetwork(config, weights);
    }

    private static Tensor random(SplittableRandom r, double scale, int... shape) {
        double[] v = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-scale, scale);
        }
        return Tensor.of(DType.F32, shape, v);
    }

    private static Path save(RecurrentNetwork net, Path file) {
        Networks.save(net, file, ModelFormat.SAFETENSORS);
        return file;
    }
}

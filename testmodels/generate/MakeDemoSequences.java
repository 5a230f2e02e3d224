import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes testmodels/demo/sequences.parquet, the Spark example's input for testmodels/demo/lstm.safetensors
 * (input_size 8): 200 rows (id string, sequence array<array<float>>) of 2 to 30 steps of
 * standard-normal features, seeded, one Parquet file. From the repository root, after
 * `mvn -q -B -DskipTests package -pl spark -am`:
 *
 *   java $SPARK_JVM_OPTIONS -cp "$(cat spark/target/spark-classpath.txt)" testmodels/generate/MakeDemoSequences.java
 */
public class MakeDemoSequences {
    public static void main(String[] args) {
        SplittableRandom random = new SplittableRandom(20261202L);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int steps = 2 + random.nextInt(29);
            float[][] seq = new float[steps][8];
            for (float[] step : seq) {
                for (int f = 0; f < step.length; f++) {
                    step[f] = (float) gaussian(random);
                }
            }
            rows.add(RowFactory.create(String.format("seq-%03d", i), seq));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType, false)
                .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);
        SparkSession spark = SparkSession.builder().master("local[1]").appName("demo sequences")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
                .option("compression", "snappy").parquet("testmodels/demo/sequences.parquet");
        spark.stop();
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}

package dev.rnnport.spark.job;

import dev.rnnport.RnnportException;
import dev.rnnport.spark.BadRowException;
import dev.rnnport.spark.RecurrentScorer;
import java.io.PrintStream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a Parquet dataset of sequences with a model file and writes Parquet: the input's columns
 * plus output, h_n, c_n (LSTM) and the error column when asked for.
 *
 * <pre>
 * spark-submit --class dev.rnnport.spark.job.ScoreJob rnnport-spark-VERSION-job.jar \
 *     score model.pt --input in.parquet --output out.parquet --key-col id
 * </pre>
 *
 * Run without spark-submit (no {@code spark.master} set) it runs on {@code local[*]}. Failures are one
 * line on stderr: exit code 2 for a wrong command line or column choice, 3 for a bad model file,
 * input or row.
 */
public final class ScoreJob {
    static final int USAGE = 2;
    static final int BAD_INPUT = 3;

    private ScoreJob() {
    }

    public static void main(String[] args) {
        int code = run(args, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one command line and returns its exit code; tests call this in-process. */
    public static int run(String[] args, PrintStream err) {
        JobArguments job;
        try {
            job = JobArguments.parse(args);
        } catch (RnnportException e) {
            err.println("rnnport-spark: " + e.getMessage());
            return USAGE;
        }
        boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = session();
        if (ownSession && !new SparkConf().contains("spark.master")) {
            // Alone on this machine, Spark's INFO lines would bury the job's own output.
            spark.sparkContext().setLogLevel("WARN");
        }
        try {
            StructType written = score(spark, job);
            System.out.println("wrote " + job.output() + " (" + String.join(", ", written.fieldNames()) + ")");
            return 0;
        } catch (Exception e) {
            RnnportException r = rnnportCause(e);
            if (r == null) {
                err.println("rnnport-spark: " + firstLine(String.valueOf(e.getMessage())));
                return BAD_INPUT;
            }
            err.println("rnnport-spark: " + r.getMessage());
            return r.kind() == RnnportException.Kind.USAGE ? USAGE : BAD_INPUT;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    /** Scores and writes; returns the written schema. */
    static StructType score(SparkSession spark, JobArguments job) {
        RecurrentScorer scorer = new RecurrentScorer().setModelPath(job.model());
        if (job.option("input-col") != null) {
            scorer.setInputCol(job.option("input-col"));
        }
        if (job.option("lengths-col") != null) {
            scorer.setLengthsCol(job.option("lengths-col"));
        }
        if (job.option("key-col") != null) {
            scorer.setKeyCol(job.option("key-col"));
        }
        if (job.option("error-col") != null) {
            scorer.setErrorCol(job.option("error-col"));
        }
        if (job.option("network") != null) {
            scorer.setNetworkName(job.option("network"));
        }
        if (job.option("batch-size") != null) {
            scorer.setBatchSize(JobArguments.batchSize(job.option("batch-size")));
        }
        if (job.option("precision") != null) {
            scorer.setPrecision(job.option("precision"));
        }
        if (job.option("batch-strategy") != null) {
            scorer.setBatchStrategy(job.option("batch-strategy"));
        }
        Dataset<Row> input = readParquet(spark, job.input());
        Dataset<Row> scored = scorer.transform(input);
        AtomicParquetOutput.write(scored, job.output(), job.flag("overwrite"), spark.sparkContext().hadoopConfiguration());
        return scored.schema();
    }

    private static Dataset<Row> readParquet(SparkSession spark, String path) {
        try {
            return spark.read().parquet(path);
        } catch (Exception e) {
            // Spark reports a missing path or a folder that is not Parquet as an AnalysisException.
            if (!(e instanceof org.apache.spark.sql.AnalysisException) && e instanceof RuntimeException r) {
                throw r;
            }
            throw new RnnportException(RnnportException.Kind.IO, path + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The running session (spark-submit's, or one in this JVM), or a new one on local[*] when no master is set. */
    private static SparkSession session() {
        SparkSession.Builder builder = SparkSession.builder().appName("rnnport score");
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]").config("spark.ui.enabled", "false");
        }
        return builder.getOrCreate();
    }

    /** The rnnport failure behind a Spark one (a task's bad row arrives wrapped in the job's failure). */
    private static RnnportException rnnportCause(Throwable e) {
        RnnportException found = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof BadRowException b) {
                return b;
            }
            if (t instanceof RnnportException r && found == null) {
                found = r;
            }
        }
        return found;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

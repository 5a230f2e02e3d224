package dev.rnnport.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2] session for the module's test classes: starting Spark costs seconds, so classes
 * share it, and it stops when the last class that holds it lets go.
 */
public final class SparkTestSession {
    private static SparkSession spark;
    private static int holders;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("rnnport-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        holders++;
        return spark;
    }

    public static synchronized void release() {
        if (--holders == 0) {
            spark.stop();
            spark = null;
        }
    }
}

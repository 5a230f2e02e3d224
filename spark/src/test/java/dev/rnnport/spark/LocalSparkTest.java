package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LocalSparkTest {
    @Test
    void localSparkRuns() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("rnnport-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            assertEquals(10, spark.range(10).count());
        } finally {
            spark.stop();
        }
    }
}

package dev.rnnport.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class that runs on the module's shared local session ({@link SparkTestSession}), held for the class's tests. */
public abstract class SparkSessionTest {
    protected static SparkSession spark;

    @BeforeAll
    static void holdSpark() {
        spark = SparkTestSession.get();
    }

    @AfterAll
    static void releaseSpark() {
        SparkTestSession.release();
    }
}

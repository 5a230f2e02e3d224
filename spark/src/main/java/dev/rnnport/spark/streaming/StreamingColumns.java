package dev.rnnport.spark.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.rnnport.UsageException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the user's event columns and puts them in the one layout {@link EventStepper} reads: key,
 * time in microseconds (exact for ordering), event_time as a timestamp (what the watermark tracks),
 * features as array&lt;float&gt;. A long time column is read as milliseconds since the epoch.
 */
final class StreamingColumns {
    static final String EVENT_TIME = "event_time";

    private StreamingColumns() {
    }

    /** Whether the user's time column is a timestamp (else a long of milliseconds); decides the output's time type. */
    static boolean timeIsTimestamp(StructType schema, String timeCol) {
        DataType t = type(schema, timeCol, "time");
        if (t.equals(DataTypes.TimestampType)) {
            return true;
        }
        if (t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType)) {
            return false;
        }
        throw new UsageException("time column '" + timeCol + "' is " + t.simpleString()
                + "; streaming scoring needs a timestamp or a long of milliseconds since the epoch");
    }

    static Dataset<Row> normalize(Dataset<Row> events, String keyCol, String timeCol, String featuresCol) {
        StructType schema = events.schema();
        DataType key = type(schema, keyCol, "key");
        if (!key.equals(DataTypes.StringType)) {
            throw new UsageException("key column '" + keyCol + "' is " + key.simpleString() + "; streaming scoring needs a string");
        }
        DataType features = type(schema, featuresCol, "features");
        if (!(features instanceof ArrayType a && a.elementType() instanceof NumericType)) {
            throw new UsageException("features column '" + featuresCol + "' is " + features.simpleString()
                    + "; streaming scoring needs array<float>, one value per input feature");
        }
        Column time = col(timeCol);
        boolean timestamp = timeIsTimestamp(schema, timeCol);
        Column micros = timestamp ? functions.unix_micros(time) : time.cast(DataTypes.LongType).multiply(1000L);
        Column eventTime = timestamp ? time : functions.timestamp_millis(time);
        return events.select(
                col(keyCol).as("key"),
                micros.as("time_us"),
                eventTime.as(EVENT_TIME),
                col(featuresCol).cast(DataTypes.createArrayType(DataTypes.FloatType)).as("features"));
    }

    /** The output's time column in the type the user gave: a timestamp, or milliseconds since the epoch. */
    static Column restoreTime(boolean timestamp) {
        return timestamp ? functions.timestamp_micros(col("time_us")) : expr("time_us div 1000");
    }

    /** An event's time for error messages. */
    static String describeTime(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }

    private static DataType type(StructType schema, String name, String role) {
        if (name == null || !Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new UsageException("the events have no " + role + " column '" + name + "'; they have "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name).dataType();
    }
}

package dev.rnnport.spark.streaming;

import dev.rnnport.UsageException;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;

/** Reads durations such as "10 seconds" or "1 hour 30 minutes" with Spark's own interval syntax, as withWatermark does. */
final class Durations {
    private Durations() {
    }

    /**
     * @param option the builder option the text came from, named in the error
     * @param text   a Spark interval string
     * @return the duration in microseconds, at least 0
     * @throws UsageException when the text is not a fixed-length duration
     */
    static long micros(String option, String text) {
        CalendarInterval interval = text == null ? null : IntervalUtils.safeStringToInterval(UTF8String.fromString(text));
        if (interval == null) {
            throw new UsageException(option + " '" + text + "' is not a duration; write it as Spark does, e.g. '10 seconds' or '1 hour'");
        }
        // A month has no fixed length, so it cannot be compared with event times.
        if (interval.months != 0) {
            throw new UsageException(option + " '" + text + "' counts months or years; give it in days, hours, minutes or seconds");
        }
        long micros = interval.days * 86_400_000_000L + interval.microseconds;
        if (micros < 0) {
            throw new UsageException(option + " '" + text + "' is negative");
        }
        return micros;
    }
}

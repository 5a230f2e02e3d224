package dev.rnnport.spark.streaming;

import static org.apache.spark.sql.functions.col;

import dev.rnnport.UsageException;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * Scores a stream of events with a recurrent network on Spark Structured Streaming, one time step
 * per event, keeping each key's recurrent state in Spark's state store.
 *
 * <p>Events {@code (key, time, features)} may arrive in any order within the watermark. A key's
 * events wait in its state until the watermark passes their time and are then stepped in time order,
 * so a key's outputs equal {@link RecurrentNetwork#forward} over its events sorted by time (events of
 * one key with equal times are stepped in arrival order). Late events are dropped by Spark, silently:
 * Spark's stateful operators filter out input rows at or before the watermark of the previous
 * micro-batch, before they reach the scorer. A key idle for longer than the state timeout (in event
 * time, as the watermark measures it) has its state removed, emitting nothing; an event more than the
 * state timeout after its key's previous one starts from zero state. State survives a restart from the
 * query's checkpoint; the network is loaded once per executor JVM and never stored in state.
 *
 * <p>Outputs wait for the watermark: a key's last events are emitted only once later events (of any
 * key) have moved the watermark past them.
 *
 * <pre>{@code
 * Dataset<Row> out = StreamingScorer.builder().modelPath(Path.of("model.pt"))
 *         .keyCol("device").timeCol("ts").featuresCol("x")
 *         .watermark("10 seconds").stateTimeout("1 hour").build()
 *         .score(events);                      // key, time, output [, h, c]; output mode append
 * }</pre>
 */
public final class StreamingScorer {
    private final ModelRef model;
    private final int inputSize;
    private final String keyCol;
    private final String timeCol;
    private final String featuresCol;
    private final String outputCol;
    private final String watermark;
    private final long stateTimeoutMicros;
    private final boolean emitState;

    private StreamingScorer(Builder b, ModelRef model, int inputSize, long stateTimeoutMicros) {
        this.model = model;
        this.inputSize = inputSize;
        this.keyCol = b.keyCol;
        this.timeCol = b.timeCol;
        this.featuresCol = b.featuresCol;
        this.outputCol = b.outputCol;
        this.watermark = b.watermark;
        this.stateTimeoutMicros = stateTimeoutMicros;
        this.emitState = b.emitState;
    }

    /** @return a builder with columns key, time, features, output; watermark "10 seconds"; state timeout "1 hour" */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The outputs of a stream of events, one row per event once the watermark has passed it.
     *
     * @param events a streaming (or batch) Dataset with the key (string), time (timestamp, or long of milliseconds
     *               since the epoch) and features (array of numbers, input_size of them) columns
     * @return rows (key, time, output array&lt;float&gt;) named as configured, plus h and c after the event
     *         (array&lt;array&lt;float&gt;&gt;, one row per layer, like the batch scorer's h_n and c_n; c null unless LSTM) when {@link Builder#emitState}; write it in output mode append
     * @throws UsageException when a column is missing or of the wrong type
     */
    public Dataset<Row> score(Dataset<Row> events) {
        boolean timestamp = StreamingColumns.timeIsTimestamp(events.schema(), timeCol);
        Dataset<Row> prepared = StreamingColumns.normalize(events, keyCol, timeCol, featuresCol)
                .withWatermark(StreamingColumns.EVENT_TIME, watermark);
        EventStepper stepper = new EventStepper(model, inputSize, stateTimeoutMicros, emitState);
        Dataset<Row> stepped = prepared
                .groupByKey((MapFunction<Row, String>) r -> r.getString(EventStepper.KEY), Encoders.STRING())
                .flatMapGroupsWithState(stepper, OutputMode.Append(), Encoders.bean(KeyState.class),
                        Encoders.row(EventStepper.schema(emitState)), GroupStateTimeout.EventTimeTimeout());
        List<Column> columns = new ArrayList<>(List.of(col("key").as(keyCol), StreamingColumns.restoreTime(timestamp).as(timeCol),
                col("output").as(outputCol)));
        if (emitState) {
            columns.add(col("h"));
            columns.add(col("c"));
        }
        return stepped.select(columns.toArray(Column[]::new));
    }

    /** Configures a {@link StreamingScorer}; only the model path is required. */
    public static final class Builder {
        private Path modelPath;
        private String keyCol = "key";
        private String timeCol = "time";
        private String featuresCol = "features";
        private String outputCol = "output";
        private String watermark = "10 seconds";
        private String stateTimeout = "1 hour";
        private boolean emitState;

        private Builder() {
        }

        /** The model file (any format rnnport reads), at the same path on the driver and every executor. */
        public Builder modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return this;
        }

        /** @see #modelPath(Path) */
        public Builder modelPath(String modelPath) {
            return modelPath(Path.of(modelPath));
        }

        /** The column naming the sequence an event belongs to (string). */
        public Builder keyCol(String keyCol) {
            this.keyCol = keyCol;
            return this;
        }

        /** The event-time column: a timestamp, or a long of milliseconds since the epoch; the output keeps its type. */
        public Builder timeCol(String timeCol) {
            this.timeCol = timeCol;
            return this;
        }

        /** The column of one time step's inputs, an array of input_size numbers. */
        public Builder featuresCol(String featuresCol) {
            this.featuresCol = featuresCol;
            return this;
        }

        /** The name of the output column (the top layer's output at the event's step). */
        public Builder outputCol(String outputCol) {
            this.outputCol = outputCol;
            return this;
        }

        /** How late an event may arrive, as Spark's withWatermark takes it, e.g. "10 seconds". */
        public Builder watermark(String watermark) {
            this.watermark = watermark;
            return this;
        }

        /** After how much event time without events a key's state is dropped, e.g. "1 hour". */
        public Builder stateTimeout(String stateTimeout) {
            this.stateTimeout = stateTimeout;
            return this;
        }

        /** Whether each output row also carries the state after the step: h and c (null for GRU and RNN). */
        public Builder emitState(boolean emitState) {
            this.emitState = emitState;
            return this;
        }

        /**
         * Loads the model once here to check it can be streamed.
         *
         * @throws UsageException for a missing model, a bidirectional or reverse-only network, or a malformed duration
         */
        public StreamingScorer build() {
            if (modelPath == null) {
                throw new UsageException("streaming scoring needs a model: set modelPath");
            }
            if (!Files.isRegularFile(modelPath)) {
                throw new UsageException("model file " + modelPath + " does not exist");
            }
            Durations.micros("watermark", watermark);
            long timeoutMicros = Durations.micros("stateTimeout", stateTimeout);
            ModelRef ref = ModelRef.of(modelPath);
            NetworkConfig cfg = ExecutorModels.get(ref).config();
            if (cfg.bidirectional() || cfg.options().reverseOnly()) {
                throw new UsageException("streaming scoring cannot run " + modelPath.getFileName() + ": it is a "
                        + (cfg.bidirectional() ? "bidirectional" : "reverse-only") + " " + cfg.cell().moduleName()
                        + ", whose reverse direction needs each sequence's end before its start");
            }
            return new StreamingScorer(this, ref, cfg.inputSize(), timeoutMicros);
        }
    }
}

package dev.rnnport.spark.streaming;

import dev.rnnport.UsageException;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Advances one key's network over its events, run by Spark once per key and micro-batch (with the
 * key's new events) or when the key's event-time timeout fires (with none).
 *
 * <p>New events are buffered in the key's {@link KeyState}. Events at or before the current watermark
 * are then stepped in time order and emitted. This keeps time order: Spark drops, before this
 * function, every row at or before the watermark of the micro-batch before, so whatever arrives from
 * now on is later than the current watermark, hence later than every event stepped so far. The key's timeout is set to fire when
 * the watermark passes its earliest waiting event, or, with none waiting, when the key has been idle
 * for the state timeout, which removes its state.
 *
 * <p>An event more than the state timeout after the key's previous one starts again from zero state,
 * whether or not the timeout has fired yet, so outputs depend only on the events and never on how
 * they were cut into micro-batches.
 */
final class EventStepper implements FlatMapGroupsWithStateFunction<String, Row, KeyState, Row> {
    private static final long serialVersionUID = 1L;

    /** Input row layout, as {@link StreamingColumns#normalize} makes it. */
    static final int KEY = 0, TIME_MICROS = 1, FEATURES = 3;

    private final ModelRef model;
    private final int inputSize;
    private final long stateTimeoutMicros;
    private final boolean emitState;

    EventStepper(ModelRef model, int inputSize, long stateTimeoutMicros, boolean emitState) {
        this.model = model;
        this.inputSize = inputSize;
        this.stateTimeoutMicros = stateTimeoutMicros;
        this.emitState = emitState;
    }

    /** A stream's state of one sequence, num_layers x size values, as one row per layer; null stays null. */
    private static float[][] perLayer(float[] state, int layers) {
        if (state == null) {
            return null;
        }
        int size = state.length / layers;
        float[][] m = new float[layers][];
        for (int l = 0; l < layers; l++) {
            m[l] = Arrays.copyOfRange(state, l * size, (l + 1) * size);
        }
        return m;
    }

    /** The rows this function emits: key, time in microseconds, output, and with emitState h and c. */
    static StructType schema(boolean emitState) {
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField("key", DataTypes.StringType, false),
                DataTypes.createStructField("time_us", DataTypes.LongType, false),
                DataTypes.createStructField("output", DataTypes.createArrayType(DataTypes.FloatType, false), false)));
        if (emitState) {
            // (num_layers, size), as the batch scorer's h_n and c_n
            DataType matrix = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
            fields.add(DataTypes.createStructField("h", matrix, false));
            fields.add(DataTypes.createStructField("c", matrix, true));
        }
        return DataTypes.createStructType(fields);
    }

    private record Pending(long time, float[] features) {
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> events, GroupState<KeyState> state) {
        if (key == null) {
            throw new UsageException("an event has no key (its key column is null); every event needs the key of its sequence");
        }
        KeyState s = state.exists() ? state.get() : new KeyState();
        RecurrentNetwork net = ExecutorModels.get(model);
        checkFits(key, s, net);
        List<Pending> pending = pendingOf(s);
        while (events.hasNext()) {
            Pending e = read(key, events.next());
            // Spark already drops rows behind the watermark; this only guards the time order against a
            // row at or before what the key has processed, should one ever get through.
            if (!s.isStepped() || e.time() > s.getLastTimeMicros()) {
                pending.add(e);
            }
        }
        pending.sort(Comparator.comparingLong(Pending::time)); // stable: equal times keep arrival order

        long watermarkMicros = state.getCurrentWatermarkMs() * 1000;
        List<Row> out = new ArrayList<>();
        RecurrentStream stream = null;
        int layers = net.config().numLayers();
        int done = 0;
        for (; done < pending.size() && pending.get(done).time() <= watermarkMicros; done++) {
            Pending e = pending.get(done);
            if (s.isStepped() && e.time() - s.getLastTimeMicros() > stateTimeoutMicros) {
                stream = net.openStream(1); // idle longer than the state timeout: a new session from zero state
            } else if (stream == null) {
                stream = net.openStream(1, s.getH(), s.getC());
            }
            float[] y = stream.step(e.features()).clone();
            out.add(emitState ? RowFactory.create(key, e.time(), y, perLayer(stream.hN(), layers), perLayer(stream.cN(), layers))
                    : RowFactory.create(key, e.time(), y));
            s.setLastTimeMicros(e.time());
            s.setStepped(true);
        }
        if (stream != null) {
            s.setH(stream.hN());
            s.setC(stream.cN());
        }
        List<Pending> waiting = pending.subList(done, pending.size());
        keep(s, waiting);

        if (!waiting.isEmpty()) {
            // Fires once the watermark reaches the earliest waiting event (Spark fires when watermark > timestamp).
            state.update(s);
            state.setTimeoutTimestamp(Math.floorDiv(waiting.get(0).time() + 999, 1000) - 1);
        } else if (s.isStepped() && watermarkMicros < s.getLastTimeMicros() + stateTimeoutMicros) {
            state.update(s);
            state.setTimeoutTimestamp(Math.floorDiv(s.getLastTimeMicros() + stateTimeoutMicros, 1000));
        } else {
            // Idle past the state timeout: any later event would start from zero state anyway. Nothing is emitted.
            state.remove();
        }
        return out.iterator();
    }

    /**
     * A checkpoint keeps state across restarts, also across a change of model; state of another size
     * would be misread, so it is refused with what to do.
     */
    private void checkFits(String key, KeyState s, RecurrentNetwork net) {
        int layers = net.config().numLayers();
        int h = layers * net.config().outputSize();
        int c = net.config().cell() == CellKind.LSTM ? layers * net.config().hiddenSize() : 0;
        long[] times = s.getPendingTimes() == null ? new long[0] : s.getPendingTimes();
        int features = s.getPendingFeatures() == null ? 0 : s.getPendingFeatures().length;
        boolean fits = (s.getH() == null || s.getH().length == h) && (s.getC() == null || s.getC().length == c)
                && features == times.length * inputSize;
        if (!fits) {
            throw new UsageException("key '" + key + "': the checkpoint's state was made by another model (state of "
                    + (s.getH() == null ? 0 : s.getH().length) + " hidden values, " + model.path() + " needs " + h
                    + "); score with that model or start from a new checkpoint");
        }
    }

    private Pending read(String key, Row row) {
        if (row.isNullAt(TIME_MICROS)) {
            throw new UsageException("key '" + key + "': an event has no time");
        }
        long time = row.getLong(TIME_MICROS);
        if (row.isNullAt(FEATURES)) {
            throw new UsageException("key '" + key + "', event at " + StreamingColumns.describeTime(time) + ": features is null");
        }
        List<Object> values = row.getList(FEATURES);
        if (values.size() != inputSize) {
            throw new UsageException("key '" + key + "', event at " + StreamingColumns.describeTime(time) + ": features has "
                    + values.size() + " values, the model expects " + inputSize + " (its input_size)");
        }
        float[] x = new float[inputSize];
        for (int i = 0; i < inputSize; i++) {
            Object v = values.get(i);
            if (v == null) {
                throw new UsageException("key '" + key + "', event at " + StreamingColumns.describeTime(time) + ": feature " + i + " is null");
            }
            x[i] = (Float) v;
        }
        return new Pending(time, x);
    }

    private List<Pending> pendingOf(KeyState s) {
        long[] times = s.getPendingTimes() == null ? new long[0] : s.getPendingTimes();
        float[] features = s.getPendingFeatures();
        List<Pending> list = new ArrayList<>(times.length + 16);
        for (int i = 0; i < times.length; i++) {
            list.add(new Pending(times[i], Arrays.copyOfRange(features, i * inputSize, (i + 1) * inputSize)));
        }
        return list;
    }

    private void keep(KeyState s, List<Pending> waiting) {
        long[] times = new long[waiting.size()];
        float[] features = new float[waiting.size() * inputSize];
        for (int i = 0; i < times.length; i++) {
            times[i] = waiting.get(i).time();
            System.arraycopy(waiting.get(i).features(), 0, features, i * inputSize, inputSize);
        }
        s.setPendingTimes(times);
        s.setPendingFeatures(features);
    }
}

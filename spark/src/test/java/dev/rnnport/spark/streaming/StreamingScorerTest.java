package dev.rnnport.spark.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnnport.Networks;
import dev.rnnport.UsageException;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Streams events through Spark (local[2], a folder source, a Parquet sink with a checkpoint) and checks
 * every key's outputs against the native engine's forward over that key's events in time order.
 */
class StreamingScorerTest {
    private static final Path LSTM = Path.of("testmodels/grid/lstm_l2/model.pt");       // 2 layers, input 5, hidden 4
    private static final Path GRU = Path.of("testmodels/grid/gru_l2_nobias/model.pt");  // 2 layers, input 5, hidden 5
    private static final long T0 = 1_767_225_600_000L;                                  // 2026-01-01T00:00:00Z
    private static final long MINUTE = 60_000;

    private static SparkSession spark;

    /**
     * Each test's folder, under one folder per class deleted only after Spark has stopped: Spark's state
     * store maintenance may still be writing into a checkpoint after the query ended, which made
     * JUnit's per-test temporary folder fail to delete now and then.
     */
    private static Path folders;
    private Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("rnnport-streaming-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() throws IOException {
        spark.stop();
        deleteQuietly(folders);
    }

    @BeforeEach
    void newFolder() throws IOException {
        if (folders == null) {
            folders = Files.createTempDirectory("rnnport-streaming-test");
        }
        tmp = Files.createTempDirectory(folders, "test");
    }

    private static void deleteQuietly(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * 50 keys × 20 events, shuffled across files (never further apart than the watermark allows), in two
     * runs of the query with a restart from the checkpoint in between; then a key idle past the state
     * timeout comes back and must start from zero state.
     */
    @Test
    void lstmStreamEqualsForwardAcrossRestartAndExpiry() throws Exception {
        Random random = new Random(7);
        List<List<Event>> files = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            files.add(new ArrayList<>());
        }
        List<Event> all = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            for (int i = 0; i < 20; i++) {
                // In the same file as its neighbours or the next: out of order within and across files, yet never
                // behind the watermark (5 s behind the newest event seen in earlier files).
                Event e = event(String.format("k%02d", k), T0 + i * 1000L + k, random);
                files.get(Math.min(i / 5 + random.nextInt(2), 3)).add(e);
                all.add(e);
            }
        }
        files.forEach(f -> Collections.shuffle(f, random));
        EventFolder in = new EventFolder(tmp.resolve("in"), false);
        StreamingScorer scorer = StreamingScorer.builder().modelPath(LSTM).watermark("5 seconds").stateTimeout("1 minute")
                .emitState(true).build();

        in.add(files.get(0));
        in.add(files.get(1));
        run(scorer, in, false);
        assertTrue(outputs().count() > 0, "the first run emits the events its watermark passed");

        in.add(files.get(2));
        in.add(files.get(3));
        // k00 comes back after almost 5 minutes idle, with a clock key that moves the watermark past every other
        // key's last event plus the state timeout (their state expires), and then past k00's new events.
        List<Event> comeback = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            comeback.add(event("k00", T0 + 300_000 + i * 1000L, random));
        }
        comeback.add(event("~clock", T0 + 310_000, random));
        Collections.shuffle(comeback, random);
        in.add(comeback);
        // The clock's last event moves the watermark to T0 + 395 s; Spark then runs one more batch without data
        // for the timeouts that watermark passes, which flushes k00's events.
        List<Event> end = List.of(event("~clock", T0 + 400_000, random));
        in.add(end);
        StreamingQuery second = run(scorer, in, false);
        all.addAll(comeback);
        all.addAll(end);

        long finalWatermark = T0 + 400_000 - 5_000;
        RecurrentNetwork net = Networks.load(LSTM);
        Map<String, List<Row>> byKey = byKey(outputs().collectAsList());
        Map<String, List<Event>> events = groupEvents(all, finalWatermark);
        assertEquals(events.keySet(), byKey.keySet());
        for (Map.Entry<String, List<Event>> e : events.entrySet()) {
            ForwardReference.Expected want = ForwardReference.of(net, e.getValue(), MINUTE);
            List<Row> got = byKey.get(e.getKey());
            List<Row> sorted = assertOutputs(e.getKey(), want, got, false);
            Row last = sorted.get(sorted.size() - 1);
            assertClose(e.getKey() + " h", want.hN(), layerRows(last, 3));
            assertClose(e.getKey() + " c", want.cN(), layerRows(last, 4));
        }
        assertEquals(10, byKey.get("k00").stream().filter(r -> r.getLong(1) >= T0 + 300_000).count());
        // Only the clock still holds state (its event past the watermark): the idle keys' state was removed.
        assertEquals(1, second.lastProgress().stateOperators()[0].numRowsTotal());
    }

    /** A GRU on a timestamp column; an event behind the watermark is dropped by Spark, never scored. */
    @Test
    void gruOnTimestampsEqualsForwardAndDropsLateEvents() throws Exception {
        Random random = new Random(11);
        List<Event> all = new ArrayList<>();
        List<Event> a = new ArrayList<>(), b = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            for (int i = 0; i < 12; i++) {
                Event e = event("g" + k, T0 + i * 500L, random);
                (i < 8 ? a : b).add(e);
                all.add(e);
            }
        }
        b.add(event("~clock", T0 + 100_000, random));
        Collections.shuffle(a, random);
        Collections.shuffle(b, random);
        EventFolder in = new EventFolder(tmp.resolve("in"), true);
        in.add(a);
        in.add(b);
        in.add(List.of(event("~clock", T0 + 100_500, random)));
        // Two batches after the clock, the watermark that filters input is at T0 + 95 s: the g3 event at T0 + 1.2 s is late.
        in.add(List.of(event("g3", T0 + 1_200, random)));
        StreamingScorer scorer = StreamingScorer.builder().modelPath(GRU).watermark("5 seconds").stateTimeout("1 hour").build();
        run(scorer, in, true);

        RecurrentNetwork net = Networks.load(GRU);
        Map<String, List<Row>> byKey = byKey(outputs().collectAsList());
        assertFalse(byKey.containsKey("~clock"), "the clock's events wait for a watermark that never passes them");
        Map<String, List<Event>> events = groupEvents(all, T0 + 95_000);
        assertEquals(events.keySet(), byKey.keySet());
        for (Map.Entry<String, List<Event>> e : events.entrySet()) {
            assertOutputs(e.getKey(), ForwardReference.of(net, e.getValue(), 3_600_000), byKey.get(e.getKey()), true);
        }
    }

    @Test
    void bidirectionalModelIsRefused() {
        UsageException e = assertThrows(UsageException.class,
                () -> StreamingScorer.builder().modelPath("testmodels/grid/lstm_l1_bi/model.pt").build());
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @Test
    void wrongFeatureSizeIsNamedWithItsKey() throws Exception {
        EventFolder in = new EventFolder(tmp.resolve("in"), false);
        in.add(List.of(event("fine", T0, new Random(1)), new Event("short-one", T0 + 5, new float[] {1, 2, 3})));
        StreamingScorer scorer = StreamingScorer.builder().modelPath(LSTM).build();
        StreamingQueryException e = assertThrows(StreamingQueryException.class, () -> run(scorer, in, false));
        String message = rootMessage(e);
        assertEquals("key 'short-one', event at 2026-01-01T00:00:00.005Z: features has 3 values, the model expects 5 (its input_size)",
                message);
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() throws Exception {
        EventFolder in = new EventFolder(tmp.resolve("in"), false);
        Random random = new Random(3);
        // The clock moves the watermark past kept's events, so the LSTM's state is in the checkpoint.
        in.add(List.of(event("kept", T0, random), event("kept", T0 + 1_000, random), event("~clock", T0 + 20_000, random)));
        run(StreamingScorer.builder().modelPath(LSTM).build(), in, false);
        assertEquals(2, outputs().count());
        in.add(List.of(event("kept", T0 + 30_000, random)));
        StreamingQueryException e = assertThrows(StreamingQueryException.class,
                () -> run(StreamingScorer.builder().modelPath(GRU).build(), in, false));
        assertTrue(rootMessage(e).startsWith("key 'kept': the checkpoint's state was made by another model"), rootMessage(e));
    }

    @Test
    void missingColumnIsNamed() {
        StreamingScorer scorer = StreamingScorer.builder().modelPath(LSTM).timeCol("when").build();
        UsageException e = assertThrows(UsageException.class, () -> scorer.score(spark.emptyDataFrame()));
        assertTrue(e.getMessage().startsWith("the events have no time column 'when'"), e.getMessage());
    }

    // ---- helpers ----

    private static Event event(String key, long timeMs, Random random) {
        float[] x = new float[5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (random.nextInt(4097) - 2048) / 1024f; // exact in JSON, float and double
        }
        return new Event(key, timeMs, x);
    }

    private StreamingQuery run(StreamingScorer scorer, EventFolder in, boolean timestamps) throws StreamingQueryException, TimeoutException {
        StructType schema = new StructType()
                .add("key", DataTypes.StringType)
                .add("time", timestamps ? DataTypes.TimestampType : DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        Dataset<Row> events = spark.readStream().schema(schema).option("maxFilesPerTrigger", 1).json(in.dir().toString());
        StreamingQuery q = scorer.score(events).writeStream().format("parquet")
                .option("path", tmp.resolve("out").toString())
                .option("checkpointLocation", tmp.resolve("checkpoint").toString())
                .outputMode("append").trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
        return q;
    }

    /** What the sink committed, read through its metadata log, so only committed batches count. */
    private Dataset<Row> outputs() {
        return spark.read().parquet(tmp.resolve("out").toString());
    }

    private static Map<String, List<Row>> byKey(List<Row> rows) {
        Map<String, List<Row>> byKey = new HashMap<>();
        for (Row r : rows) {
            byKey.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
        }
        return byKey;
    }

    private static Map<String, List<Event>> groupEvents(List<Event> all, long watermarkMs) {
        Map<String, List<Event>> byKey = new HashMap<>();
        for (Event e : all) {
            if (e.timeMs() <= watermarkMs) {
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
            }
        }
        return byKey;
    }

    /** @return the rows in time order */
    private static List<Row> assertOutputs(String key, ForwardReference.Expected want, List<Row> got, boolean timestamps) {
        assertEquals(want.events().size(), got.size(), key + ": one output per event");
        List<Row> sorted = new ArrayList<>(got);
        sorted.sort((x, y) -> Long.compare(timeMs(x, timestamps), timeMs(y, timestamps)));
        for (int t = 0; t < sorted.size(); t++) {
            assertEquals(want.events().get(t).timeMs(), timeMs(sorted.get(t), timestamps), key + " event " + t + " time");
            assertClose(key + " event " + t, want.outputs().get(t), floats(sorted.get(t), 2));
        }
        return sorted;
    }

    private static long timeMs(Row r, boolean timestamps) {
        return timestamps ? r.getTimestamp(1).getTime() : r.getLong(1);
    }

    /** A state column, one array per layer, read back and laid end to end (PyTorch's h_n of one sequence). */
    private static float[] layerRows(Row r, int field) {
        if (r.isNullAt(field)) {
            return null;
        }
        List<Object> layers = r.getList(field);
        List<Float> all = new ArrayList<>();
        for (Object layer : layers) {
            all.addAll(CollectionConverters.asJava((scala.collection.Seq<Float>) layer));
        }
        float[] v = new float[all.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = all.get(i);
        }
        return v;
    }

    private static float[] floats(Row r, int field) {
        if (r.isNullAt(field)) {
            return null;
        }
        List<Float> list = r.getList(field);
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    private static void assertClose(String what, float[] want, float[] got) {
        if (want == null) {
            assertNull(got, what);
            return;
        }
        assertNotNull(got, what);
        assertEquals(want.length, got.length, what + " size");
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - got[i]) > 1e-6) {
                fail(what + "[" + i + "]: forward gives " + want[i] + ", streaming " + got[i]);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof UsageException)) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}

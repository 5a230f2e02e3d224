package dev.rnnport.spark.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer's options and model reference, without Spark running. */
class StreamingOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void durationsReadAsSparkWritesThem() {
        assertEquals(10_000_000L, Durations.micros("watermark", "10 seconds"));
        assertEquals(5_400_000_000L, Durations.micros("stateTimeout", "1 hour 30 minutes"));
        assertEquals(86_400_000_000L, Durations.micros("stateTimeout", "1 day"));
    }

    @Test
    void durationsWithoutFixedLengthAreRefused() {
        UsageException soon = assertThrows(UsageException.class, () -> Durations.micros("stateTimeout", "soon"));
        assertEquals("stateTimeout 'soon' is not a duration; write it as Spark does, e.g. '10 seconds' or '1 hour'", soon.getMessage());
        UsageException month = assertThrows(UsageException.class, () -> Durations.micros("stateTimeout", "1 month"));
        assertTrue(month.getMessage().contains("months"), month.getMessage());
    }

    @Test
    void aModelReplacedAfterTheQueryStartedIsNoticed() throws Exception {
        Path model = tmp.resolve("model.pt");
        Files.copy(Path.of("testmodels/grid/lstm_l2/model.pt"), model);
        ModelRef asStarted = ModelRef.of(model);
        Files.copy(Path.of("testmodels/grid/gru_l2_nobias/model.pt"), model, StandardCopyOption.REPLACE_EXISTING);
        UsageException e = assertThrows(UsageException.class, () -> ExecutorModels.get(asStarted));
        assertTrue(e.getMessage().startsWith("model file " + model.toAbsolutePath() + " changed after the query started"), e.getMessage());
        assertEquals(5, ExecutorModels.get(ModelRef.of(model)).config().hiddenSize(), "the new content loads under its own reference");
    }

    @Test
    void aMissingModelIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> StreamingScorer.builder().modelPath(tmp.resolve("none.pt")).build());
        assertEquals("model file " + tmp.resolve("none.pt") + " does not exist", e.getMessage());
    }
}

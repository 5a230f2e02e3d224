package dev.rnnport.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnnport.UsageException;
import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
import dev.rnnport.backend.tensorflow.TensorFlowBackend;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void namesGiveTheirBackends() {
        try (Backend b = Backends.named("native")) {
            assertInstanceOf(NativeBackend.class, b);
            assertEquals("native", b.name());
        }
        try (Backend b = Backends.named("ONNXRuntime", 2)) {
            assertEquals("onnxruntime", b.name());
            assertEquals(2, assertInstanceOf(OnnxRuntimeBackend.class, b).intraOpThreads());
        }
    }

    /** Making the backend loads no TensorFlow: that waits for its first run. */
    @Test
    void tensorflowAndTfNameTheTensorFlowBackend() {
        for (String name : new String[] {"tensorflow", "TF"}) {
            try (Backend b = Backends.named(name, 1)) {
                assertInstanceOf(TensorFlowBackend.class, b);
                assertEquals("tensorflow", b.name());
            }
        }
    }

    @Test
    void unknownNamesAndThreadCountsAreUsageErrors() {
        UsageException e = assertThrows(UsageException.class, () -> Backends.named("cuda"));
        assertEquals("unknown backend 'cuda' (known: native, onnxruntime, tensorflow)", e.getMessage());
        assertThrows(UsageException.class, () -> Backends.named("onnxruntime", -1));
    }
}

package dev.rnnport.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnnport.UsageException;
import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
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

    @Test
    void tensorflowIsNotAvailableYet() {
        UsageException e = assertThrows(UsageException.class, () -> Backends.named("tensorflow"));
        assertEquals("backend 'tensorflow' is not available yet (available: native, onnxruntime)", e.getMessage());
    }

    @Test
    void unknownNamesAndThreadCountsAreUsageErrors() {
        UsageException e = assertThrows(UsageException.class, () -> Backends.named("cuda"));
        assertEquals("unknown backend 'cuda' (known: native, onnxruntime, tensorflow)", e.getMessage());
        assertThrows(UsageException.class, () -> Backends.named("onnxruntime", -1));
    }
}

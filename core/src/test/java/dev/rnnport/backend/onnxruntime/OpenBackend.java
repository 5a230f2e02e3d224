package dev.rnnport.backend.onnxruntime;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link OnnxRuntimeBackend} with one intra-op thread, open from before the first test of the
 * class that registers it to after its last:
 * {@code @RegisterExtension static final OpenBackend ORT = new OpenBackend();}
 */
final class OpenBackend implements BeforeAllCallback, AfterAllCallback {
    private OnnxRuntimeBackend backend;

    @Override
    public void beforeAll(ExtensionContext context) {
        backend = new OnnxRuntimeBackend(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        backend.close();
    }

    OnnxRuntimeBackend backend() {
        return backend;
    }
}

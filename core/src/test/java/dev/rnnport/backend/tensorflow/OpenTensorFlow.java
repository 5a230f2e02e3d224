package dev.rnnport.backend.tensorflow;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TensorFlowBackend} with one intra-op thread, open from before the first test of the
 * class that registers it to after its last:
 * {@code @RegisterExtension static final OpenTensorFlow TF = new OpenTensorFlow();}
 */
public final class OpenTensorFlow implements BeforeAllCallback, AfterAllCallback {
    private TensorFlowBackend backend;

    @Override
    public void beforeAll(ExtensionContext context) {
        backend = new TensorFlowBackend(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        backend.close();
    }

    public TensorFlowBackend backend() {
        return backend;
    }
}

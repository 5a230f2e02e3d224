package dev.rnnport.backend.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import dev.rnnport.ModelException;

/**
 * The process-wide ONNX Runtime environment. ONNX Runtime allows one per process and never frees
 * it, so it is created once, on first use, and shared by every backend instance.
 */
final class OrtEnv {
    private OrtEnv() {
    }

    /** Holder idiom: the native library is loaded only when a backend first runs something. */
    private static final class Holder {
        // ONNX Runtime's log goes straight to stderr: warnings about files that run fine, and every
        // error a second time, multi-line, beside the one-line message we make of its exception.
        static final OrtEnvironment ENV = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "rnnport");
    }

    static OrtEnvironment get() {
        return Holder.ENV;
    }

    /** ONNX Runtime's message as the one line a user sees, prefixed with what was being done. */
    static ModelException failure(String context, OrtException e) {
        return new ModelException(context + ": ONNX Runtime: " + oneLine(e.getMessage()), e);
    }

    static String oneLine(String message) {
        if (message == null) {
            return "failed without a message";
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}

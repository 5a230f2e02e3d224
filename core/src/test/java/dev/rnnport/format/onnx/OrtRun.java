package dev.rnnport.format.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a model file in ONNX Runtime on named tensors (float32, or int64 for DType.I64). */
final class OrtRun {
    private OrtRun() {
    }

    static Map<String, Tensor> run(byte[] model, Map<String, Tensor> inputs) throws OrtException {
        // The same settings as the backend's environment: ONNX Runtime has one per process, and
        // asking for another log level only earns a warning.
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "rnnport");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (var e : inputs.entrySet()) {
                        Tensor t = e.getValue();
                        long[] shape = Arrays.stream(t.shape()).mapToLong(i -> i).toArray();
                        feed.put(e.getKey(), t.dtype() == DType.I64
                                ? OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(t.data()).mapToLong(v -> (long) v).toArray()), shape)
                                : OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape));
                    }
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    try (OrtSession.Result r = s.run(feed)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(l -> (int) l).toArray();
                            FloatBuffer fb = t.getFloatBuffer();
                            float[] v = new float[fb.remaining()];
                            fb.get(v);
                            out.put(e.getKey(), Tensor.ofFloats(shape, v));
                        }
                    }
                    return out;
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** Deterministic values in [-1, 1) for inputs the fixtures do not record. */
    static Tensor random(long seed, int... shape) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(dev.rnnport.tensor.Shapes.size(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Tensor.of(DType.F32, shape, v);
    }
}

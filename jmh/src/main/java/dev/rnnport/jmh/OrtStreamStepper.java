package dev.rnnport.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One time step at batch 1 in ONNX Runtime, driven as fast as Java can drive it (as
 * {@code rnnport bench --stream} does for its "ort-best" row): the network's ONNX model run with
 * seq_len 1 on one thread; every tensor made once over a direct buffer; outputs pinned, so ONNX
 * Runtime writes them in place; the state fed back by alternating two sets of state tensors (step
 * t reads set A and writes set B, step t+1 the other way round), so it is never copied.
 */
final class OrtStreamStepper implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "rnnport-jmh");
    private final OrtSession session;
    private final FloatBuffer x;
    private final FloatBuffer y;
    private final FloatBuffer[] states = new FloatBuffer[4];
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> pinned = new ArrayList<>();
    private int turn;

    OrtStreamStepper(RecurrentNetwork network) throws OrtException {
        NetworkConfig cfg = network.config();
        if (cfg.numLayers() != 1 || cfg.directions() != 1) {
            throw new IllegalArgumentException("one unidirectional layer only, found " + network);
        }
        boolean lstm = cfg.cell() == CellKind.LSTM;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(OnnxWriter.toModel(network, 0).toByteArray(), o);
        }
        try {
            x = direct(cfg.inputSize());
            y = direct(cfg.outputSize());
            OnnxTensor xt = tensor(x, 1, 1, cfg.inputSize());
            OnnxTensor yt = tensor(y, 1, 1, cfg.outputSize());
            OnnxTensor[] h = new OnnxTensor[2];
            OnnxTensor[] c = new OnnxTensor[2];
            for (int s = 0; s < 2; s++) {
                states[s] = direct(cfg.outputSize());
                h[s] = tensor(states[s], 1, 1, cfg.outputSize());
                if (lstm) {
                    states[2 + s] = direct(cfg.hiddenSize());
                    c[s] = tensor(states[2 + s], 1, 1, cfg.hiddenSize());
                }
            }
            for (int s = 0; s < 2; s++) {
                feeds.add(lstm ? Map.of("input", xt, "h0", h[s], "c0", c[s]) : Map.of("input", xt, "h0", h[s]));
                pinned.add(lstm ? Map.of("output", yt, "h_n", h[1 - s], "c_n", c[1 - s]) : Map.of("output", yt, "h_n", h[1 - s]));
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Advances by one step: {@code in} (input_size values) in, the output (H_out values) into {@code out}. */
    void step(float[] in, float[] out) throws OrtException {
        x.put(0, in);
        try (OrtSession.Result ignored = session.run(feeds.get(turn), pinned.get(turn))) {
            turn = 1 - turn;
        }
        y.get(0, out);
    }

    /** Back to the zero state. */
    void reset() {
        for (FloatBuffer s : states) {
            if (s != null) {
                s.put(0, new float[s.capacity()]);
            }
        }
        turn = 0;
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        session.close();
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private OnnxTensor tensor(FloatBuffer b, long... shape) throws OrtException {
        OnnxTensor t = OnnxTensor.createTensor(env, b, shape);
        tensors.add(t);
        return t;
    }
}

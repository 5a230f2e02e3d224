package dev.rnnport.backend.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rnnport.ModelException;
import dev.rnnport.tensor.Shapes;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One loaded ONNX graph: an ONNX Runtime session and the graph's inputs and outputs in order.
 * Owns the session's native memory until {@link #close()}. Feeds are checked against the graph's
 * declared shapes first, so a wrong tensor is reported by name with expected and found shapes
 * rather than as a kernel error.
 */
final class OrtModel implements AutoCloseable {
    /** A graph input or output as the session declares it; -1 marks a dimension left open, named or not. */
    record Port(String name, OnnxJavaType type, long[] shape, String[] dimNames) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(name).append(' ').append(OrtTensors.typeName(type)).append('[');
            for (int i = 0; i < shape.length; i++) {
                s.append(i > 0 ? ", " : "");
                s.append(shape[i] >= 0 ? Long.toString(shape[i])
                        : dimNames[i] == null || dimNames[i].isEmpty() ? "?" : dimNames[i]);
            }
            return s.append(']').toString();
        }
    }

    private final String source;
    private final OrtSession session;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final GraphFacts facts;

    private OrtModel(String source, OrtSession session, List<Port> inputs, List<Port> outputs, GraphFacts facts) {
        this.source = source;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        this.facts = facts;
    }

    /**
     * Loads {@code model} (ONNX bytes) in a new session. {@code source} names the model in messages.
     * A recurrent node with layout=1 is refused here, before ONNX Runtime fails on it less clearly.
     */
    static OrtModel load(byte[] model, String source, int intraOpThreads) {
        GraphFacts facts = GraphFacts.of(model, source);
        if (!facts.batchwiseNodes().isEmpty()) {
            throw new ModelException(source + ": " + String.join(", ", facts.batchwiseNodes())
                    + " has layout=1 (batch-major), which ONNX Runtime's CPU kernels do not run;"
                    + " rnnport convert rewrites it with layout=0 and Transposes");
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            OrtSession session = OrtEnv.get().createSession(model, options);
            try {
                return new OrtModel(source, session, ports(session.getInputInfo(), source),
                        ports(session.getOutputInfo(), source), facts);
            } catch (RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw OrtEnv.failure(source, e);
        }
    }

    private static List<Port> ports(Map<String, NodeInfo> infos, String source) {
        List<Port> ports = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            if (!(n.getInfo() instanceof TensorInfo t)) {
                throw new ModelException(source + ": graph value '" + n.getName() + "' is not a tensor ("
                        + n.getInfo() + "); recurrent graphs take and give tensors only");
            }
            ports.add(new Port(n.getName(), t.type, t.getShape(), t.getDimensionNames()));
        }
        return List.copyOf(ports);
    }

    String source() {
        return source;
    }

    /** Graph inputs that are not initializers, in the graph's order. */
    List<Port> inputs() {
        return inputs;
    }

    List<Port> outputs() {
        return outputs;
    }

    GraphFacts facts() {
        return facts;
    }

    /** The graph's inputs as a user reads them in an error message. */
    String describeInputs() {
        return inputs.stream().map(Port::toString).collect(Collectors.joining(", "));
    }

    /**
     * Runs the graph on {@code feeds} (graph input name to value, converted to each input's element
     * type) and returns every graph output by name, in the graph's order.
     */
    Map<String, Tensor> run(Map<String, Tensor> feeds) {
        Map<String, OnnxTensor> created = new LinkedHashMap<>();
        try {
            for (Port in : inputs) {
                Tensor t = feeds.get(in.name());
                if (t == null) {
                    throw new ModelException(source + ": graph input '" + in.name() + "' was not given (graph inputs: "
                            + describeInputs() + ")");
                }
                check(in, t);
                created.put(in.name(), OrtTensors.create(t, in.type()));
            }
            for (String name : feeds.keySet()) {
                if (!created.containsKey(name)) {
                    throw new ModelException(source + ": the graph has no input '" + name + "' (graph inputs: "
                            + describeInputs() + ")");
                }
            }
            try (OrtSession.Result result = session.run(created)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), OrtTensors.read(e.getValue(), e.getKey()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw OrtEnv.failure(source, e);
        } finally {
            created.values().forEach(OnnxTensor::close);
        }
    }

    private void check(Port in, Tensor t) {
        if (!OrtTensors.supported(in.type())) {
            throw new ModelException(source + ": graph input " + in + " has an element type this backend does not feed"
                    + " (float, double, int32, int64)");
        }
        int[] s = t.shape();
        boolean ok = s.length == in.shape().length;
        for (int i = 0; ok && i < s.length; i++) {
            ok = in.shape()[i] < 0 || in.shape()[i] == s[i];
        }
        if (!ok) {
            throw new ModelException(source + ": graph input " + in + " cannot take a tensor of shape " + Shapes.format(s));
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw OrtEnv.failure(source, e);
        }
    }
}

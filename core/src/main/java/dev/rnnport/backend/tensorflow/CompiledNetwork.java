package dev.rnnport.backend.tensorflow;

import dev.rnnport.ModelException;
import dev.rnnport.format.savedmodel.NetworkGraph;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.nn.TimeMajorBatch;
import dev.rnnport.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * One network built as a TensorFlow graph ({@link NetworkGraph#forRunning}) with the session that
 * runs it. The graph has no fixed sequence length or batch size, so it serves every input of its
 * network. Owns native memory: {@link #close()} frees the session and the graph.
 */
final class CompiledNetwork implements AutoCloseable {
    private final NetworkConfig config;
    private final Precision precision;
    private final boolean masked;
    private final Graph graph;
    private final Session session;

    CompiledNetwork(RecurrentNetwork network, Precision precision, boolean masked, boolean carryOutput, int threads) {
        this.config = network.config();
        this.precision = precision;
        this.masked = masked;
        this.graph = new Graph();
        try {
            NetworkGraph.forRunning(graph, network, precision, masked, carryOutput);
            this.session = new Session(graph, sessionOptions(threads));
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /**
     * Session settings: {@code threads} intra-op threads (0: TensorFlow's default), and no Grappler
     * rewrites, which on these small graphs cost more than they save (about half of a new graph's
     * first run, measured here).
     */
    static ConfigProto sessionOptions(int threads) {
        ConfigProto.Builder options = ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder()
                .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)));
        if (threads > 0) {
            options.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1);
        }
        return options.build();
    }

    /** Runs the time-major batch; {@code valid} (L*N, time-major) is read only when the graph is masked. */
    RunOutputs run(TimeMajorBatch b, boolean[] valid) {
        int states = config.directions() * config.numLayers();
        List<org.tensorflow.Tensor> feeds = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            runner.feed(NetworkGraph.INPUT, keep(feeds, TfTensors.floating(precision,
                    new int[] {b.steps, b.batch, config.layerInputSize(0)}, b.x())));
            runner.feed(NetworkGraph.H0, keep(feeds, TfTensors.floating(precision, new int[] {states, b.batch, config.outputSize()},
                    b.h0 != null ? b.h0 : new double[states * b.batch * config.outputSize()])));
            boolean lstm = config.cell() == CellKind.LSTM;
            if (lstm) {
                runner.feed(NetworkGraph.C0, keep(feeds, TfTensors.floating(precision, new int[] {states, b.batch, config.hiddenSize()},
                        b.c0 != null ? b.c0 : new double[states * b.batch * config.hiddenSize()])));
            }
            if (masked) {
                runner.feed(NetworkGraph.VALID, keep(feeds, TfTensors.bools(new int[] {b.steps, b.batch}, valid)));
            }
            runner.fetch(NetworkGraph.OUTPUT).fetch(NetworkGraph.H_N);
            if (lstm) {
                runner.fetch(NetworkGraph.C_N);
            }
            try (Result r = runner.run()) {
                double[] y = TfTensors.toTensor(r.get(0), "output").data();
                double[] hN = TfTensors.toTensor(r.get(1), "h_n").data();
                double[] cN = lstm ? TfTensors.toTensor(r.get(2), "c_n").data() : null;
                return b.outputs(y, hN, cN, precision == Precision.FLOAT64 ? DType.F64 : DType.F32);
            }
        } catch (TensorFlowException e) {
            throw new ModelException("TensorFlow backend: " + firstLine(e.getMessage()), e);
        } finally {
            feeds.forEach(org.tensorflow.Tensor::close);
        }
    }

    private static org.tensorflow.Tensor keep(List<org.tensorflow.Tensor> all, org.tensorflow.Tensor t) {
        all.add(t);
        return t;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "failed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}

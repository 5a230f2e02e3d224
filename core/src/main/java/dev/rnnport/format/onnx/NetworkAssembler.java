package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.AxisTrace.Atom;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rebuilds PyTorch-style networks from a graph's recurrent nodes. Each node's X is followed back
 * over layout operations ({@link AxisTrace}): when it leads to another recurrent node's Y, the two
 * are consecutive layers of one network, provided the operations turn Y [seq, dirs, batch, hidden]
 * into [seq, batch, dirs*hidden] with the forward direction first, as torch.onnx.export's
 * Squeeze or Transpose+Reshape do; anything else between them is an error naming the operation.
 * Otherwise the node starts a network, whose batch_first says whether the operations from the
 * source swapped its first two axes (torch's and keras2onnx's Transpose perm=[1,0,2]).
 * A layer whose cell, size, direction or options differ from the one before starts a new network,
 * because one nn.LSTM cannot hold both.
 */
final class NetworkAssembler {
    private final OnnxGraph g;

    NetworkAssembler(OnnxGraph g) {
        this.g = g;
    }

    /**
     * A network found in the graph: its name (the graph's scope, then its first node's name), the
     * network in the IR's terms, and the recurrent nodes of its layers in order.
     */
    record Found(String name, RecurrentNetwork network, List<RecurrentNode> layers) {
        NamedNetwork named() {
            return new NamedNetwork(name, network);
        }
    }

    /** A network under construction: its layers in order and whether its input is batch-major. */
    private static final class Chain {
        final List<RecurrentNode> layers = new ArrayList<>();
        boolean batchFirst;
    }

    List<NamedNetwork> assemble() {
        return find().stream().map(Found::named).toList();
    }

    /** The networks of this graph alone (not of its subgraphs), in graph order. */
    List<Found> find() {
        List<RecurrentNode> nodes = new ArrayList<>();
        Map<String, RecurrentNode> byOutput = new HashMap<>();
        for (NodeProto n : g.graph.getNodeList()) {
            if (RecurrentNode.isRecurrent(n)) {
                RecurrentNode r = RecurrentNode.parse(n, g);
                nodes.add(r);
                if (!r.output("Y").isEmpty()) {
                    byOutput.put(r.output("Y"), r);
                }
            }
        }
        Map<RecurrentNode, Chain> chainOf = new LinkedHashMap<>();
        List<Chain> chains = new ArrayList<>();
        // Graph order is topological, so a layer's predecessor has been placed before it.
        for (RecurrentNode node : nodes) {
            String x = node.input("X");
            if (x.isEmpty()) {
                throw new ModelException(node.describe() + ": input X is missing");
            }
            AxisTrace.Path path = AxisTrace.back(g, x);
            RecurrentNode prev = byOutput.get(path.source());
            if (prev != null) {
                checkStacked(node, prev, path);
                Chain c = chainOf.get(prev);
                if (c.layers.get(c.layers.size() - 1) != prev) {
                    throw new ModelException(node.describe() + ": reads the output of " + prev.describe()
                            + ", which already feeds " + c.layers.get(c.layers.indexOf(prev) + 1).describe()
                            + "; expected one chain of layers");
                }
                if (sameNetwork(prev, node)) {
                    c.layers.add(node);
                    chainOf.put(node, c);
                    continue;
                }
            }
            Chain c = new Chain();
            c.batchFirst = prev != null ? node.layout == 1 : rootBatchFirst(node, path);
            c.layers.add(node);
            chainOf.put(node, c);
            chains.add(c);
        }
        List<Found> out = new ArrayList<>();
        for (Chain c : chains) {
            out.add(new Found(g.scope + c.layers.get(0).name, build(c), List.copyOf(c.layers)));
        }
        return out;
    }

    private static boolean sameNetwork(RecurrentNode a, RecurrentNode b) {
        return a.cell == b.cell && a.hidden == b.hidden && a.directions == b.directions
                && a.options.equals(b.options) && b.inputSize == a.directions * a.hidden;
    }

    /** Axes of a recurrent node's Y: [seq, dirs, batch, hidden], or [batch, seq, dirs, hidden] with layout=1. */
    private static List<List<Atom>> outputAxes(RecurrentNode n) {
        Atom t = new Atom("seq", -1);
        Atom b = new Atom("batch", -1);
        Atom d = new Atom("directions", n.directions);
        Atom h = new Atom("hidden", n.hidden);
        return n.layout == 0 ? AxisTrace.axesOf(t, d, b, h) : AxisTrace.axesOf(b, t, d, h);
    }

    private void checkStacked(RecurrentNode node, RecurrentNode prev, AxisTrace.Path path) {
        AxisTrace trace = AxisTrace.follow(g, outputAxes(prev), path);
        List<List<Atom>> axes = trace.axes();
        String expected = node.layout == 0 ? "[seq, batch, directions*hidden]" : "[batch, seq, directions*hidden]";
        String ops = path.ops().stream().map(OnnxGraph::describe).collect(Collectors.joining(", "));
        String found = "input X '" + node.input("X") + "' is " + prev.describe() + "'s output Y"
                + (ops.isEmpty() ? "" : " after " + ops);
        if (axes.size() != 3) {
            throw new ModelException(node.describe() + ": " + found + " with axes " + axes + ", expected " + expected);
        }
        int time = node.layout == 0 ? 0 : 1;
        List<String> t = labels(trace.significant(time));
        List<String> b = labels(trace.significant(1 - time));
        List<String> f = labels(trace.significant(2));
        List<String> want = prev.directions == 2 ? List.of("directions", "hidden") : List.of("hidden");
        if (!t.equals(List.of("seq")) || !(b.equals(List.of("batch")) || b.isEmpty()) || !f.equals(want)) {
            throw new ModelException(node.describe() + ": " + found + " with axes " + axes + ", expected " + expected
                    + (f.equals(List.of("hidden", "directions")) ? " with the directions concatenated, not interleaved" : ""));
        }
        if (!trace.reordered().isEmpty()) {
            throw new ModelException(node.describe() + ": " + found + ", which reorders " + trace.reordered()
                    + " between layers; expected plain layout operations");
        }
    }

    private static List<String> labels(List<Atom> atoms) {
        return atoms.stream().map(Atom::label).toList();
    }

    /**
     * Whether the source of a first layer is batch-major, from the axes its X is made of. When X
     * is computed inside the graph (by a convolution, inside an If branch...) and its axes cannot
     * be followed to a (sequence, batch, features) source, the network is what the node itself
     * sees: time-major, or batch-major for layout=1.
     */
    private boolean rootBatchFirst(RecurrentNode node, AxisTrace.Path path) {
        try {
            return traceBatchFirst(node, path);
        } catch (ModelException e) {
            if (g.enclosing == null && g.isRunInput(path.source())) {
                throw e;
            }
            return node.layout == 1;
        }
    }

    private boolean traceBatchFirst(RecurrentNode node, AxisTrace.Path path) {
        int rank = g.declaredRank(path.source());
        if (rank < 0) {
            rank = 3;
        }
        Atom[] src = new Atom[rank];
        for (int i = 0; i < rank; i++) {
            src[i] = new Atom("input axis " + i, -1);
        }
        AxisTrace trace = AxisTrace.follow(g, AxisTrace.axesOf(src), path);
        List<List<Atom>> axes = trace.axes();
        String ops = path.ops().stream().map(OnnxGraph::describe).collect(Collectors.joining(", "));
        String found = node.describe() + ": input X '" + node.input("X") + "' is '" + path.source() + "'"
                + (ops.isEmpty() ? "" : " after " + ops) + " with axes " + axes;
        if (axes.size() != 3) {
            throw new ModelException(found + ", expected 3 axes (sequence, batch, features)");
        }
        int timeAxis = node.layout == 0 ? 0 : 1;
        List<Atom> time = trace.significant(timeAxis);
        List<Atom> batch = trace.significant(1 - timeAxis);
        List<Atom> feat = trace.significant(2);
        if (time.size() != 1 || batch.size() > 1 || feat.size() != 1 || feat.get(0) != src[rank - 1]) {
            throw new ModelException(found + ", expected the source's axes as (sequence, batch, features) or"
                    + " (batch, sequence, features) with features last");
        }
        for (Atom a : trace.reordered()) {
            if (batch.isEmpty() || a != batch.get(0)) {
                throw new ModelException(found + ": a Gather reorders " + a + ", which is not the batch axis");
            }
        }
        if (batch.isEmpty()) {
            return false;
        }
        return indexOf(src, batch.get(0)) < indexOf(src, time.get(0));
    }

    private static int indexOf(Atom[] atoms, Atom a) {
        for (int i = 0; i < atoms.length; i++) {
            if (atoms[i] == a) {
                return i;
            }
        }
        return -1;
    }

    private RecurrentNetwork build(Chain c) {
        RecurrentNode first = c.layers.get(0);
        boolean bias = c.layers.stream().anyMatch(n -> n.bias);
        String lengths = first.input("sequence_lens");
        List<DirectionWeights> weights = new ArrayList<>();
        for (int layer = 0; layer < c.layers.size(); layer++) {
            RecurrentNode n = c.layers.get(layer);
            if (!n.input("sequence_lens").equals(lengths)) {
                throw new ModelException(n.describe() + ": input sequence_lens is '" + n.input("sequence_lens")
                        + "' but the first layer " + first.describe() + " reads '" + lengths + "'; expected the same lengths");
            }
            InitialStates.check(g, n, "initial_h", layer, c.layers.size());
            if (n.cell == dev.rnnport.nn.CellKind.LSTM) {
                InitialStates.check(g, n, "initial_c", layer, c.layers.size());
            }
            InitialStates.check(g, n, "sequence_lens", layer, c.layers.size());
            for (DirectionWeights w : n.weights) {
                // One layer without B among layers with it: zeros are what ONNX means by an omitted B.
                weights.add(bias && w.bIh() == null ? new DirectionWeights(w.wIh(), w.wHh(),
                        zeros(w.wIh()), zeros(w.wIh()), null, w.peephole()) : w);
            }
        }
        NetworkConfig config = new NetworkConfig(first.cell, first.inputSize, first.hidden, c.layers.size(), bias,
                c.batchFirst, 0.0, first.bidirectional(), 0, first.options);
        return new RecurrentNetwork(config, weights);
    }

    private static Tensor zeros(Tensor w) {
        return Tensor.zeros(w.dtype(), w.dim(0));
    }
}

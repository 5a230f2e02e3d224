package dev.rnnport.format.savedmodel;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Output;

/**
 * A TensorFlow while loop over the time steps of a sequence whose length is known only when the
 * graph runs. TensorFlow's C API builds the loop body as a graph of its own that cannot see the
 * outer graph, so every tensor the body reads (the weights too) is a loop variable; those the body
 * leaves alone pass through unchanged. Variable 0 is the step t, variable 1 the number of steps.
 */
final class TimeLoop {
    /** Computes one step: reads {@code in}, sets {@code out} for the variables it changes. */
    interface Body {
        void step(GraphOps ops, Output<?> t, Output<?>[] in, Output<?>[] out);
    }

    private final List<Output<?>> initial = new ArrayList<>();

    TimeLoop(GraphOps outer, Output<?> steps) {
        initial.add(outer.intScalar(0));
        initial.add(steps);
    }

    /** Adds a loop variable and returns its index. */
    int variable(Output<?> init) {
        initial.add(init);
        return initial.size() - 1;
    }

    /** Builds the loop; returns every variable's value after the last step. */
    Output<?>[] run(GraphOps outer, String name, Body body) {
        return outer.graph.whileLoop(initial.toArray(new Output<?>[0]),
                (cond, in, out) -> out[0] = outer.in(cond, "").op("Less", in[0], in[1]),
                (graph, in, out) -> {
                    GraphOps ops = outer.in(graph, "");
                    // TF Java hands the body an output array already filled with placeholders: the
                    // body writes into a fresh one, and what it leaves empty passes through.
                    Output<?>[] next = new Output<?>[in.length];
                    body.step(ops, in[0], in, next);
                    out[0] = ops.add(in[0], ops.intScalar(1));
                    for (int i = 1; i < in.length; i++) {
                        out[i] = next[i] != null ? next[i] : in[i];
                    }
                }, name);
    }
}

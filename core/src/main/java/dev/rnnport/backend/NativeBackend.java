package dev.rnnport.backend;

import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;

/** The pure-Java engine as a backend. */
public final class NativeBackend implements Backend {
    private final int threads;

    /** One thread. */
    public NativeBackend() {
        this(1);
    }

    /**
     * @param threads threads the float32 engine may use on large enough steps; 0 for one per
     *                available processor. Results do not depend on it.
     */
    public NativeBackend(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (one per processor) or more, found " + threads);
        }
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    @Override
    public String name() {
        return "native";
    }

    public int threads() {
        return threads;
    }

    @Override
    public RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision) {
        return new NativeEngine(precision).withThreads(threads).run(network, inputs);
    }
}

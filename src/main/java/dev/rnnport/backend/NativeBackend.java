package dev.rnnport.backend;

import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;

/** The pure-Java engine as a backend. */
public final class NativeBackend implements Backend {
    @Override
    public String name() {
        return "native";
    }

    @Override
    public RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision) {
        return new NativeEngine(precision).run(network, inputs);
    }
}

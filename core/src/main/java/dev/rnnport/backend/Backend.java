package dev.rnnport.backend;

import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;

/**
 * An engine that executes a {@link RecurrentNetwork}: ours, ONNX Runtime, TensorFlow. Inputs and
 * outputs are in PyTorch's shapes for the network's batch_first setting, whatever the engine uses
 * inside, so results of different backends compare directly.
 */
public interface Backend extends AutoCloseable {
    String name();

    RunOutputs run(RecurrentNetwork network, RunInputs inputs, Precision precision);

    /** Releases native resources; a backend that holds none does nothing. */
    @Override
    default void close() {
    }
}

package dev.rnnport.format;

import dev.rnnport.nn.RecurrentNetwork;

/**
 * A network found in a file, with the name that selects it: the state-dict key prefix
 * ({@code encoder._module.}), the ONNX node name, the Keras layer name; empty when a file's
 * only network has no name of its own.
 */
public record NamedNetwork(String name, RecurrentNetwork network) {

    /** The same name for another network (the same one with the user's settings applied, say). */
    public NamedNetwork withNetwork(RecurrentNetwork other) {
        return new NamedNetwork(name, other);
    }
}

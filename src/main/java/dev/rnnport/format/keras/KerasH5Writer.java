package dev.rnnport.format.keras;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;

/** Writes a network as a Keras .h5 file in tf.keras 2.x's layout. */
public final class KerasH5Writer implements FormatWriter {
    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) {
        throw new ModelException("cannot write " + file + ": writing Keras .h5 is not supported yet");
    }
}

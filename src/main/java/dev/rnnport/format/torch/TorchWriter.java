package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;

/** Placeholder until this format's writer lands. */
public final class TorchWriter implements FormatWriter {
    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) {
        throw new ModelException(file + ": writing this format is not supported yet");
    }
}

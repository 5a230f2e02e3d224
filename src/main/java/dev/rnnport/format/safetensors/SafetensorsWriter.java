package dev.rnnport.format.safetensors;

/** Placeholder, replaced in the next change. */
public final class SafetensorsWriter implements dev.rnnport.format.FormatWriter {
    @Override
    public void write(dev.rnnport.nn.RecurrentNetwork network, java.nio.file.Path file, dev.rnnport.format.WriteOptions options) {
        throw new dev.rnnport.ModelException("not yet");
    }
}

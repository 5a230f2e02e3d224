package dev.rnnport.format.safetensors;

/** Placeholder, replaced in the next change. */
public final class SafetensorsReader implements dev.rnnport.format.FormatReader {
    @Override
    public java.util.List<dev.rnnport.format.NamedNetwork> read(java.nio.file.Path file) {
        throw new dev.rnnport.ModelException("not yet");
    }
}

package dev.rnnport.format.onnx;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import java.nio.file.Path;
import java.util.List;

/** Placeholder until this format's reader lands. */
public final class OnnxReader implements FormatReader {
    @Override
    public List<NamedNetwork> read(Path file) {
        throw new ModelException(file + ": reading this format is not supported yet");
    }
}

package dev.rnnport.format.safetensors;

import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.statedict.StateDictNetworks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Networks in a safetensors file holding a PyTorch state dict (what safetensors.torch.save_file writes). */
public final class SafetensorsReader implements FormatReader {
    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file);
        return StateDictNetworks.find(f.tensors(), f.metadata(), file.toString());
    }
}

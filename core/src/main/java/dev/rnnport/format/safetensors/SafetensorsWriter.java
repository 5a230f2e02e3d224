package dev.rnnport.format.safetensors;

import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.statedict.PyTorchCompatibility;
import dev.rnnport.format.statedict.StateDictNetworks;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes the network's state dict as safetensors, with batch_first, dropout and nonlinearity in
 * {@code __metadata__} (plus {@code format: pt}, which safetensors.torch writes too) so that
 * reading it back needs no flags. float64 weights stay float64; every other type becomes float32.
 */
public final class SafetensorsWriter implements FormatWriter {
    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        return PyTorchCompatibility.refusal(network);
    }

    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException {
        requireCanHold(network, options, file, "safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        StateDictNetworks.toStateDict(network, "", "safetensors").forEach((k, t) ->
                tensors.put(k, t.dtype() == DType.F64 ? t : t.as(DType.F32)));
        Map<String, String> metadata = new TreeMap<>(StateDictNetworks.metadata(network));
        metadata.put("format", "pt");
        AtomicFiles.write(file, new SafetensorsFile(tensors, metadata).toBytes());
    }
}

package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static dev.rnnport.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AllenNLP's real torch.save files against PyTorch's own outputs for them (made by
 * make_allennlp_references.py from nn.LSTM after load_state_dict), not against our own conversions.
 */
class AllenNlpReferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"serialization", "serialization_full"})
    void encoderComputesWhatPyTorchComputes(String folder) throws IOException {
        Path file = TORCH.resolve("allennlp/simple_tagger").resolve(folder).resolve("best.th");
        Path reference = TORCH.resolve("allennlp_reference").resolve(folder);
        List<NamedNetwork> all = Networks.loadAll(file, LoadOptions.DEFAULTS);
        NamedNetwork encoder = Networks.select(file, all, "encoder._module.");
        assertEquals("encoder._module.", encoder.name());
        RunOutputs out = encoder.network().forward(Npy.read(reference.resolve("input.npy")));
        assertClose(Npy.read(reference.resolve("output.npy")), out.output(), 1e-5, folder + " output");
        assertClose(Npy.read(reference.resolve("h_n.npy")), out.hN(), 1e-5, folder + " h_n");
        assertClose(Npy.read(reference.resolve("c_n.npy")), out.cN(), 1e-5, folder + " c_n");
    }
}

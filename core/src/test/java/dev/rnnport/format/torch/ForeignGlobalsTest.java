package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.TORCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.Main;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a PyTorch file would make Python import and call beyond tensor rebuilding, as reported by
 * the reader and by {@code inspect}. The expected names are those Python's pickletools lists for
 * each file's pickle, less the rebuilding globals torch.load(weights_only=True) allows.
 */
class ForeignGlobalsTest {
    private static final Path CHECKPOINT = TORCH.resolve("checkpoint_lstm/model.pt");
    /** pickletools.genops over checkpoint_lstm/model.pt's data.pkl, in the order first named. */
    private static final List<String> CHECKPOINT_FOREIGN = List.of("__main__.TaggedTensor", "argparse.Namespace",
            "__main__.Dictionary");

    @Test
    void checkpointNamesItsCustomClasses() throws IOException {
        assertEquals(CHECKPOINT_FOREIGN, new TorchReader().foreignGlobals(CHECKPOINT));
    }

    @Test
    void legacyLayoutNamesTheSame() throws IOException {
        assertEquals(Set.copyOf(CHECKPOINT_FOREIGN),
                Set.copyOf(new TorchReader().foreignGlobals(TORCH.resolve("checkpoint_lstm/model_legacy.pt"))));
    }

    @Test
    void plainStateDictNamesNothingForeign() throws IOException {
        assertEquals(List.of(), new TorchReader().foreignGlobals(TORCH.resolve("two_rnns/model.pt")));
        assertEquals(List.of(), new TorchReader().foreignGlobals(TORCH.resolve("allennlp/simple_tagger/serialization/best.th")));
    }

    @Test
    void wholeModuleNamesItsModuleClasses() throws IOException {
        List<String> foreign = new TorchReader().foreignGlobals(TORCH.resolve("whole_module/model.pt"));
        assertEquals(List.of("__main__.WholeTagger", "torch.nn.modules.linear.Linear", "torch.nn.modules.rnn.RNN"), foreign);
    }

    @Test
    void inspectListsThemInTextAndJson() {
        String text = run("inspect", CHECKPOINT.toString());
        assertTrue(text.contains("Python would import and call these when loading this file; rnnport did not): "
                + String.join(", ", CHECKPOINT_FOREIGN)), text);
        Map<?, ?> json = (Map<?, ?>) Json.parse(run("inspect", "--json", CHECKPOINT.toString()).trim());
        assertEquals(CHECKPOINT_FOREIGN, json.get("foreign_globals"));
        Map<?, ?> plain = (Map<?, ?>) Json.parse(run("inspect", "--json", TORCH.resolve("two_rnns/model.pt").toString()).trim());
        assertEquals(List.of(), plain.get("foreign_globals"));
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}

package dev.rnnport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.Activation;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.testing.GridCase;
import dev.rnnport.testing.RandomNetworks;
import dev.rnnport.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect tells a user what converting needs: the module's settings, what the file did not record
 * (instead of a default stated as fact), the formats that can hold the network and why not the
 * others, and for ONNX the graph's inputs and outputs; in text and in typed JSON.
 */
class InspectCommandTest {
    static final Path PLAIN = Path.of("testmodels/demo/lstm_plain.safetensors");

    @TempDir
    Path tmp;

    static String inspect(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        CliTest.Result r = CliTest.rnnport(all);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    static Map<?, ?> json(String... args) {
        String[] withJson = new String[args.length + 1];
        System.arraycopy(args, 0, withJson, 0, args.length);
        withJson[args.length] = "--json";
        return (Map<?, ?>) Json.parse(inspect(withJson).strip());
    }

    static Map<?, ?> network(Map<?, ?> file, int i) {
        return (Map<?, ?>) ((List<?>) file.get("networks")).get(i);
    }

    @Test
    void aBareStateDictSaysWhatItDoesNotRecord() {
        String text = inspect(PLAIN.toString());
        assertTrue(text.contains("batch_first=(not recorded)"), text);
        assertTrue(text.contains("not recorded in the file: batch_first (read as false; --batch-first says otherwise), dropout"), text);
        Map<?, ?> net = network(json(PLAIN.toString()), 0);
        assertTrue(net.containsKey("batch_first"));
        assertNull(net.get("batch_first"), "no default stated as fact");
        assertEquals(List.of("batch_first", "dropout"), net.get("not_recorded"));
        assertEquals(Map.of("batch_first", false, "dropout", 0.0), net.get("read_as"));

        Map<?, ?> given = network(json(PLAIN.toString(), "--batch-first"), 0);
        assertEquals(Boolean.TRUE, given.get("batch_first"), "what the user says counts as recorded");
        assertEquals(List.of("dropout"), given.get("not_recorded"));
        Map<?, ?> withMetadata = network(json("testmodels/demo/lstm.safetensors"), 0);
        assertEquals(Boolean.TRUE, withMetadata.get("batch_first"));
        assertEquals(List.of(), withMetadata.get("not_recorded"));
    }

    @Test
    void anRnnsNonlinearityIsRecordedByOnnxButNotByAStateDict() {
        GridCase relu = GridCase.named("rnn_relu_l1");
        assertEquals(CellKind.RNN_RELU, relu.cell(), "PyTorch made it with relu");
        Map<?, ?> pt = network(json(relu.dir().resolve("model.pt").toString()), 0);
        assertNull(pt.get("nonlinearity"));
        assertEquals("tanh", ((Map<?, ?>) pt.get("read_as")).get("nonlinearity"));
        assertTrue(inspect(relu.dir().resolve("model.pt").toString())
                .contains("nonlinearity (read as tanh; --nonlinearity says otherwise)"));
        Map<?, ?> onnx = network(json(relu.dir().resolve("model.onnx").toString()), 0);
        assertEquals("relu", onnx.get("nonlinearity"));
        assertEquals(List.of("dropout"), onnx.get("not_recorded"));
    }

    @Test
    void formatsThatCannotHoldTheNetworkSayWhyInTheWritersWords() throws Exception {
        Activation hard = Activation.of(Activation.Kind.HARD_SIGMOID);
        NetworkConfig cfg = NetworkConfig.of(CellKind.LSTM, 3, 4).withOptions(CellOptions.defaults(CellKind.LSTM).withClip(2.5)
                .withActivations(List.of(hard, Activation.TANH, Activation.TANH), List.of(hard, Activation.TANH, Activation.TANH)));
        RecurrentNetwork net = RandomNetworks.of(cfg, 5);
        Path onnx = tmp.resolve("clipped.onnx");
        Networks.save(net, onnx, ModelFormat.ONNX);
        Map<?, ?> file = json(onnx.toString());
        Map<?, ?> d = network(file, 0);
        assertEquals(4L * 4 * 3 + 4 * 4 * 4 + 16 + 16, d.get("parameters"), "W_ih 16x3, W_hh 16x4, two biases of 16");
        assertEquals(2.5, d.get("clip"));
        assertEquals(List.of("HardSigmoid(alpha=0.2, beta=0.5)", "Tanh", "Tanh"), d.get("activations"));
        assertEquals("float32", d.get("dtype"));
        assertEquals(1L, d.get("directions"));
        String why = ModelFormat.PT.writer().refusal(net, WriteOptions.DEFAULTS).orElseThrow();
        assertEquals("PyTorch's nn.LSTM has no cell clip 2.5", why);
        Map<?, ?> refused = (Map<?, ?>) d.get("not_writable_as");
        assertEquals(why, refused.get("pt"));
        assertEquals(why, refused.get("safetensors"));
        assertTrue(((List<?>) d.get("writable_as")).contains("onnx"), d.toString());
        for (ModelFormat f : ModelFormat.values()) {
            // Every format is in one list or the other, with its writer's own words.
            assertEquals(f.writer().refusal(net, WriteOptions.DEFAULTS).orElse(null), refused.get(f.formatName()), f.formatName());
            assertEquals(!refused.containsKey(f.formatName()), ((List<?>) d.get("writable_as")).contains(f.formatName()), f.formatName());
        }
        String text = inspect(onnx.toString());
        assertTrue(text.contains("can be written as: ") && text.contains("onnx"), text);
        assertTrue(text.contains("cannot be written as pt: PyTorch's nn.LSTM has no cell clip 2.5"), text);
    }

    @Test
    void onnxFilesShowTheGraphsInputsAndOutputs() throws Exception {
        RecurrentNetwork net = RandomNetworks.of(NetworkConfig.of(CellKind.LSTM, 3, 4).withLayers(2).withBatchFirst(true), 7);
        Path onnx = tmp.resolve("lstm.onnx");
        Networks.save(net, onnx, ModelFormat.ONNX);
        Map<?, ?> graph = (Map<?, ?>) json(onnx.toString()).get("graph");
        assertEquals(List.of(
                Map.of("name", "input", "type", "float32", "shape", List.of("batch", "seq", 3L)),
                Map.of("name", "h0", "type", "float32", "shape", List.of(2L, "batch", 4L)),
                Map.of("name", "c0", "type", "float32", "shape", List.of(2L, "batch", 4L))), graph.get("inputs"));
        assertEquals(List.of("output", "h_n", "c_n"), ((List<?>) graph.get("outputs")).stream().map(o -> ((Map<?, ?>) o).get("name")).toList());
        String text = inspect(onnx.toString());
        assertTrue(text.contains("graph inputs: input float32 [batch, seq, 3]; h0 float32 [2, batch, 4]; c0 float32 [2, batch, 4]"), text);
        assertTrue(text.contains("graph outputs: output float32 [batch, seq, 4]"), text);
        assertNull(json(PLAIN.toString()).get("graph"), "only ONNX files have a graph");
    }

    @Test
    void anOnnxGraphWhoseWeightsAreInputsStillShowsWhatItTakes() {
        Path file = Path.of("testmodels/onnx/onnx-node/test_lstm_with_peepholes/model.onnx");
        CliTest.Result r = CliTest.rnnport("inspect", file.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().contains("graph inputs: X float32 [1, 2, 4]; W float32 [1, 12, 4]"), r.out());
        assertTrue(r.err().contains("input W 'W' is a graph input"), r.err());
    }

    @Test
    void severalNetworksAreEachDescribed() {
        Map<?, ?> file = json("testmodels/torch/two_rnns/model.pt");
        assertEquals("pt", file.get("format"));
        assertEquals(List.of("encoder.", "decoder."), ((List<?>) file.get("networks")).stream().map(n -> ((Map<?, ?>) n).get("name")).toList());
        assertEquals(2L, network(file, 1).get("num_layers"));
        assertEquals(Boolean.FALSE, network(file, 1).get("bidirectional"));
    }
}

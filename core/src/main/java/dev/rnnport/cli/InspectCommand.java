package dev.rnnport.cli;

import dev.rnnport.ModelException;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.onnx.OnnxSignature;
import dev.rnnport.util.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect", description = "What a file holds and what converting it needs: per network its cell, sizes, layers,"
        + " directions, options beyond PyTorch, parameters, dtype, the settings the file does not record, and the formats"
        + " that can hold it; for ONNX, the graph's inputs and outputs.",
        footer = {"", "Formats read (recognised by extension, else by content):",
                "  safetensors (.safetensors), ONNX (.onnx), Keras (.h5, .hdf5, .keras),",
                "  PyTorch (.pt, .pth, .th, .bin, .ckpt, .jit: zip, legacy or TorchScript),",
                "  TensorFlow SavedModel (a folder with saved_model.pb)",
                "", "Examples:", "  rnnport inspect testmodels/demo/lstm.safetensors",
                "  rnnport inspect testmodels/torch/two_rnns/model.pt --json"})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Model file, in any format read (below).")
    Path file;

    @Option(names = "--json", description = "Print JSON (numbers, booleans and arrays typed; null for what the file does not record).")
    boolean json;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelFormat format = ModelFormat.detect(file);
        OnnxSignature graph = format == ModelFormat.ONNX ? OnnxSignature.of(file) : null;
        var out = spec.commandLine().getOut();
        List<NamedNetwork> all;
        try {
            all = model.loadAll(file);
        } catch (ModelException e) {
            // What the graph takes and gives still tells the user what the file expects (weights fed as inputs, say).
            if (graph != null && !json) {
                out.println(file + " (" + format.formatName() + "): no network could be read");
                printGraph(out, graph);
            }
            throw e;
        }
        List<NetworkDescription> described = all.stream().map(NetworkDescription::new).toList();
        // Globals a PyTorch file's pickles name beyond tensor rebuilding: what Python would import and call.
        List<String> foreign = format == ModelFormat.PT ? new dev.rnnport.format.torch.TorchReader().foreignGlobals(file) : List.of();
        String foreignNote = "Python would import and call these when loading this file; rnnport did not";
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("format", format.formatName());
            m.put("networks", described.stream().map(NetworkDescription::json).toList());
            if (graph != null) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("inputs", values(graph.inputs()));
                g.put("outputs", values(graph.outputs()));
                m.put("graph", g);
            }
            if (format == ModelFormat.PT) {
                m.put("foreign_globals", foreign);
            }
            out.println(Json.write(m));
            return Main.OK;
        }
        out.println(file + " (" + format.formatName() + "): " + all.size() + " network" + (all.size() == 1 ? "" : "s"));
        for (NetworkDescription d : described) {
            d.text().forEach(line -> out.println("  " + line));
        }
        if (graph != null) {
            printGraph(out, graph);
        }
        if (!foreign.isEmpty()) {
            out.println("globals named (" + foreignNote + "): " + String.join(", ", foreign));
        }
        return Main.OK;
    }

    private static void printGraph(java.io.PrintWriter out, OnnxSignature graph) {
        out.println("  graph inputs: " + text(graph.inputs()));
        out.println("  graph outputs: " + text(graph.outputs()));
    }

    private static List<Map<String, Object>> values(List<OnnxSignature.Value> values) {
        return values.stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("type", v.elementType());
            m.put("shape", v.shape());
            return m;
        }).toList();
    }

    private static String text(List<OnnxSignature.Value> values) {
        return values.isEmpty() ? "none" : values.stream().map(v -> v.name() + " " + v.elementType() + " "
                + (v.shape() == null ? "(shape not given)"
                : v.shape().stream().map(d -> d == null ? "?" : d.toString()).collect(Collectors.joining(", ", "[", "]"))))
                .collect(Collectors.joining("; "));
    }
}

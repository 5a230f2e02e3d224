package dev.rnnport.cli;

import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
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

@Command(name = "inspect", description = "List the recurrent networks in a file: cell, sizes, layers, directions, dtype.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelFormat format = ModelFormat.detect(file);
        List<NamedNetwork> all = model.loadAll(file);
        List<Map<String, Object>> described = new ArrayList<>();
        for (NamedNetwork n : all) {
            described.add(describe(n));
        }
        var out = spec.commandLine().getOut();
        // Globals a PyTorch file's pickles name beyond tensor rebuilding: what Python would import and call.
        List<String> foreign = format == ModelFormat.PT ? new dev.rnnport.format.torch.TorchReader().foreignGlobals(file) : List.of();
        String foreignNote = "Python would import and call these when loading this file; rnnport did not";
        if (json) {
            out.println("{\"file\":" + Json.quote(file.toString()) + ",\"format\":" + Json.quote(format.formatName())
                    + ",\"networks\":[" + described.stream().map(InspectCommand::toJson).collect(Collectors.joining(",")) + "]"
                    + (format == ModelFormat.PT ? ",\"foreign_globals\":" + foreign.stream().map(Json::quote)
                            .collect(Collectors.joining(",", "[", "]")) : "") + "}");
        } else {
            out.println(file + " (" + format.formatName() + "): " + all.size() + " network" + (all.size() == 1 ? "" : "s"));
            for (Map<String, Object> d : described) {
                out.println("  " + d.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
            }
            if (!foreign.isEmpty()) {
                out.println("globals named (" + foreignNote + "): " + String.join(", ", foreign));
            }
        }
        return Main.OK;
    }

    private static Map<String, Object> describe(NamedNetwork n) {
        RecurrentNetwork net = n.network();
        NetworkConfig c = net.config();
        CellOptions o = c.options();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.name().isEmpty() ? "''" : n.name());
        m.put("cell", c.cell().moduleName());
        if (c.cell().isRnn()) {
            m.put("nonlinearity", c.cell() == CellKind.RNN_RELU ? "relu" : "tanh");
        }
        m.put("input_size", c.inputSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("num_layers", c.numLayers());
        m.put("bidirectional", c.bidirectional());
        m.put("bias", c.bias());
        m.put("batch_first", c.batchFirst());
        m.put("proj_size", c.projSize());
        m.put("dropout", c.dropout());
        m.put("dtype", net.weights().get(0).wIh().dtype().toString());
        CellOptions d = CellOptions.defaults(c.cell());
        if (!o.forwardActivations().equals(d.forwardActivations()) || !o.reverseActivations().equals(d.reverseActivations())) {
            m.put("activations", o.forwardActivations() + (c.bidirectional() ? "/" + o.reverseActivations() : ""));
        }
        if (o.hasClip()) {
            m.put("clip", o.clip());
        }
        if (o.inputForget()) {
            m.put("input_forget", true);
        }
        if (c.cell() == CellKind.GRU && !o.linearBeforeReset()) {
            m.put("linear_before_reset", false);
        }
        if (o.reverseOnly()) {
            m.put("direction", "reverse");
        }
        if (net.hasPeepholes()) {
            m.put("peepholes", true);
        }
        // What the source format says beyond the IR (Keras merge_mode, the model's other layers).
        new java.util.TreeMap<>(net.annotations()).forEach(m::put);
        return m;
    }

    private static String toJson(Map<String, Object> m) {
        return m.entrySet().stream().map(e -> {
            Object v = e.getValue();
            String value = v instanceof Number || v instanceof Boolean ? v.toString()
                    : Json.quote(e.getKey().equals("name") && "''".equals(v) ? "" : v.toString());
            return Json.quote(e.getKey()) + ":" + value;
        }).collect(Collectors.joining(",", "{", "}"));
    }
}

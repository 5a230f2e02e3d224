package dev.rnnport.cli;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "convert", description = "Convert a network to another format (through the intermediate representation).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT")
    Path out;

    @Option(names = "--to", paramLabel = "onnx|pt|safetensors|savedmodel", description = "Target format; defaults from OUT's extension (savedmodel: OUT is a folder).")
    String to;

    @Option(names = "--opset", defaultValue = "0", paramLabel = "N", description = "ONNX opset (default 14).")
    int opset;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelFormat target = to != null ? ModelFormat.named(to) : ModelFormat.forOutput(out);
        RecurrentNetwork net = model.load(in);
        Networks.save(net, out, target, new WriteOptions(opset));
        spec.commandLine().getOut().println("wrote " + out + " (" + target.formatName() + "): " + net);
        return Main.OK;
    }
}

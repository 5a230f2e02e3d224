package dev.rnnport.cli;

import dev.rnnport.UsageException;
import dev.rnnport.Weights;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.tensor.DType;
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

    @Option(names = "--to", paramLabel = "onnx|pt|safetensors", description = "Target format; defaults from OUT's extension.")
    String to;

    @Option(names = "--opset", defaultValue = "0", paramLabel = "N", description = "ONNX opset (default 14).")
    int opset;

    @Option(names = "--external-data", description = "ONNX: keep the weights in OUT.data beside OUT (done anyway past 1 GB).")
    boolean externalData;

    @Option(names = "--dtype", paramLabel = "float32|float64", description = "ONNX: element type of the written weights (default float32).")
    String dtype;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelFormat target = to != null ? ModelFormat.named(to) : ModelFormat.forOutput(out);
        RecurrentNetwork net = Weights.load(in, model.toLoadOptions());
        WriteOptions options = new WriteOptions(opset, externalData, dtype == null ? null : switch (dtype) {
            case "float32" -> DType.F32;
            case "float64" -> DType.F64;
            default -> throw new UsageException("--dtype must be float32 or float64, found '" + dtype + "'");
        });
        if (target != ModelFormat.ONNX && (externalData || dtype != null)) {
            throw new UsageException("--external-data and --dtype apply to ONNX output, not " + target.formatName());
        }
        if (target == ModelFormat.ONNX) {
            String note = OnnxWriter.roundingNote(net, options);
            if (note != null) {
                spec.commandLine().getErr().println(note);
            }
        }
        Weights.save(net, out, target, options);
        spec.commandLine().getOut().println("wrote " + out + " (" + target.formatName() + "): " + net);
        return Main.OK;
    }
}

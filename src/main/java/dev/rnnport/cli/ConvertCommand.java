package dev.rnnport.cli;

import dev.rnnport.Networks;
import dev.rnnport.UsageException;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.tensor.DType;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.parity.ConversionCheck;
import dev.rnnport.parity.ParityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

    @Option(names = "--to", paramLabel = "onnx|pt|safetensors|h5|keras|savedmodel", description = "Target format; defaults from OUT's extension (savedmodel: OUT is a folder).")
    String to;

    @Option(names = "--opset", defaultValue = "0", paramLabel = "N", description = "ONNX opset (default 14).")
    int opset;

    @Option(names = "--verify", description = "Read OUT back, run it in its format's runtime against the source in its own,"
            + " print the parity table; on a difference exit 1 and leave no OUT.")
    boolean verify;

    @Option(names = "--external-data", description = "ONNX: keep the weights in OUT.data beside OUT (done anyway past 1 GB).")
    boolean externalData;

    @Option(names = "--dtype", paramLabel = "float32|float64", description = "ONNX: element type of the written weights (default float32).")
    String dtype;

    @Mixin
    ModelArguments model;

    @Mixin
    ParityArguments parity;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelFormat target = to != null ? ModelFormat.named(to) : ModelFormat.forOutput(out);
        RecurrentNetwork net = model.load(in);
        WriteOptions options = writeOptions(target, net);
        PrintWriter console = spec.commandLine().getOut();
        if (!verify) {
            Networks.save(net, out, target, options);
            console.println("wrote " + out + " (" + target.formatName() + "): " + net);
            return Main.OK;
        }
        // Written beside OUT under a hidden name with OUT's extension, proven, then moved into place.
        Path written = beside(out);
        try {
            Networks.save(net, written, target, options);
            ParityReport report = ConversionCheck.check(in, ModelFormat.detect(in), net, written, target, out.toString(),
                    parity.inputs(net.config()), parity.tolerance());
            console.print(report.toTable().replace(written.toString(), out.toString()));
            if (!report.passed()) {
                console.println("not written: " + out + " does not compute what " + in + " computes");
                console.flush();
                return Main.PARITY_FAILURE;
            }
            moveIntoPlace(written, out);
            console.println("wrote " + out + " (" + target.formatName() + "): " + net);
            return Main.OK;
        } finally {
            deleteTree(written);
        }
    }

    private static Path beside(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot <= 0 ? name : name.substring(0, dot);
        String ext = dot <= 0 ? "" : name.substring(dot);
        Path dir = target.toAbsolutePath().getParent();
        return dir.resolve("." + base + ".verify-" + UUID.randomUUID().toString().substring(0, 8) + ext);
    }

    /** A file replaces OUT atomically; a folder (SavedModel) replaces an existing OUT folder after it is proven. */
    private static void moveIntoPlace(Path from, Path to) throws IOException {
        if (Files.isDirectory(from) && Files.isDirectory(to)) {
            deleteTree(to);
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** --opset, --external-data and --dtype; says on stderr when ONNX weights are rounded to float32. */
    private WriteOptions writeOptions(ModelFormat target, RecurrentNetwork net) {
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
        return options;
    }
}

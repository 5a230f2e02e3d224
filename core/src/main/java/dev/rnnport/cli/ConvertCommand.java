package dev.rnnport.cli;

import dev.rnnport.Networks;
import dev.rnnport.RnnportException;
import dev.rnnport.UsageException;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.tensor.DType;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.parity.ConversionCheck;
import dev.rnnport.parity.ParityInputs;
import dev.rnnport.parity.ParityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "convert", description = "Convert a network to another format (through the intermediate representation).",
        footer = {"", "Examples:", "  rnnport convert testmodels/demo/lstm.safetensors lstm.onnx",
                "  rnnport convert testmodels/demo/lstm.safetensors lstm.onnx --opset 17 --verify"})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Model file to read (see 'rnnport inspect --help' for the formats read).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "File to write; its extension gives the format unless --to does.")
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
    public Integer call() throws Exception {
        ModelFormat target = to != null ? ModelFormat.named(to) : ModelFormat.forOutput(out);
        RecurrentNetwork net = model.load(in);
        WriteOptions options = writeOptions(target, net);
        PrintWriter console = spec.commandLine().getOut();
        if (!verify) {
            Networks.save(net, out, target, options);
            console.println("wrote " + out + " (" + target.formatName() + "): " + net);
            return Main.OK;
        }
        // Written under OUT's own name in a hidden folder beside it, with any companion file (ONNX's
        // external data names itself after the model), proven there, then moved into place.
        Path staging = staging(out);
        Path written = staging.resolve(out.getFileName().toString());
        try {
            try {
                Networks.save(net, written, target, options);
            } catch (RnnportException e) {
                // The user knows OUT, not the hidden name it is written under until proven.
                throw new RnnportException(e.kind(), String.valueOf(e.getMessage()).replace(written.toString(), out.toString()), e);
            }
            ParityInputs inputs = parity.inputs(net.config());
            ParityReport report = parity.naming(() -> ConversionCheck.check(in, ModelFormat.detect(in), net, written, target,
                    out.toString(), inputs, parity.tolerance()));
            console.print(report.toTable().replace(written.toString(), out.toString()));
            if (!report.passed()) {
                console.println("not written: " + out + " does not compute what " + in + " computes");
                console.flush();
                return Main.PARITY_FAILURE;
            }
            moveIntoPlace(staging, written, out);
            console.println("wrote " + out + " (" + target.formatName() + "): " + net);
            return Main.OK;
        } finally {
            AtomicFiles.deleteTree(staging);
        }
    }

    private static Path staging(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir, "." + target.getFileName() + ".verify-");
    }

    /**
     * Companion files first, OUT last, so that OUT never refers to a file not yet in place; each
     * replaces what was there atomically. A folder (SavedModel) replaces an existing OUT folder.
     */
    private static void moveIntoPlace(Path staging, Path written, Path out) throws IOException {
        List<Path> companions;
        try (Stream<Path> s = Files.list(staging)) {
            companions = s.filter(p -> !p.equals(written)).toList();
        }
        for (Path c : companions) {
            AtomicFiles.move(c, out.resolveSibling(c.getFileName().toString()));
        }
        if (Files.isDirectory(written) && Files.isDirectory(out)) {
            AtomicFiles.deleteTree(out);
        }
        AtomicFiles.move(written, out);
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

package dev.rnnport.cli;

import dev.rnnport.UsageException;
import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.backend.Backends;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.parity.Contender;
import dev.rnnport.parity.Contenders;
import dev.rnnport.parity.ParityInputs;
import dev.rnnport.parity.ParityReport;
import dev.rnnport.parity.Verifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", description = {
        "Run a network on every backend (and a foreign file as it is in its own runtime) and compare each with the"
                + " native engine in float64. Exit 0 when all agree, 1 when one differs (with where and the likely cause)."},
        footer = {"", "Examples:", "  rnnport verify testmodels/demo/lstm.safetensors",
                "  rnnport verify testmodels/demo/lstm.safetensors \\",
                "      --input testmodels/demo/input.npy --against testmodels/demo"})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (see 'rnnport inspect --help' for the formats read).")
    Path modelFile;

    @Option(names = "--backends", split = ",", paramLabel = "native,onnxruntime,tensorflow",
            description = "Backends to run (default: all; one that cannot run here is shown as unavailable).")
    List<String> backends;

    @Option(names = "--against", paramLabel = "DIR",
            description = "Also compare with outputs recorded elsewhere: DIR/output.npy, h_n.npy, c_n.npy (needs --input).")
    Path against;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Mixin
    ParityArguments parity;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (against != null && !parity.hasInput()) {
            throw new UsageException("--against needs the --input its outputs were recorded for");
        }
        if (against != null && !Files.isDirectory(against)) {
            throw new ModelException(RnnportException.Kind.IO, "--against " + against + (Files.exists(against)
                    ? ": is a file; --against takes the folder holding output.npy" : ": no such folder"));
        }
        RecurrentNetwork net = model.load(modelFile);
        ModelFormat format = ModelFormat.detect(modelFile);
        ParityInputs inputs = parity.inputs(net.config());
        List<Contender> runs = new ArrayList<>();
        try (Contender reference = Contenders.reference(net)) {
            if (against != null) {
                runs.add(Contender.recorded(against));
            }
            runs.addAll(Contenders.forModel(modelFile, format, net, backends == null ? Backends.NAMES : backends));
            ParityReport report = parity.naming(() -> new Verifier(net, parity.tolerance())
                    .check(modelFile.toString(), inputs, reference, runs));
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? report.toJson() + "\n" : report.toTable());
            out.flush();
            return report.passed() ? Main.OK : Main.PARITY_FAILURE;
        } finally {
            runs.forEach(Contender::close);
        }
    }
}

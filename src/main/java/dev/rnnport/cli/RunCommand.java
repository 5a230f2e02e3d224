package dev.rnnport.cli;

import dev.rnnport.Weights;
import dev.rnnport.backend.Backend;
import dev.rnnport.backend.NativeBackend;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", description = "Run a network on an input and write output.npy, h_n.npy and (LSTM) c_n.npy.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path modelFile;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input in PyTorch's shape for the network's batch_first.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the outputs; created if missing.")
    Path out;

    @Option(names = "--h0", paramLabel = "H.npy")
    Path h0;

    @Option(names = "--c0", paramLabel = "C.npy")
    Path c0;

    @Option(names = "--lengths", paramLabel = "N.npy", description = "Valid length of each sequence (integers).")
    Path lengths;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64")
    String precision;

    @Option(names = "--backend", defaultValue = "native", paramLabel = "native")
    String backend;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse(precision);
        RecurrentNetwork net = Weights.load(modelFile, model.toLoadOptions());
        RunInputs inputs = new RunInputs(Npy.read(input), read(h0), read(c0), read(lengths));
        RunOutputs result;
        try (Backend b = backend()) {
            result = b.run(net, inputs, p);
        }
        Map<String, Tensor> files = new LinkedHashMap<>();
        files.put("output.npy", result.output());
        files.put("h_n.npy", result.hN());
        if (result.cN() != null) {
            files.put("c_n.npy", result.cN());
        }
        write(files);
        spec.commandLine().getOut().println("wrote " + String.join(", ", files.keySet()) + " to " + out
                + " (output " + result.output().shapeString() + ")");
        return Main.OK;
    }

    private Backend backend() {
        if (!backend.equals("native")) {
            throw new IllegalArgumentException("unknown backend '" + backend + "' (available: native)");
        }
        return new NativeBackend();
    }

    private static Tensor read(Path p) throws IOException {
        return p == null ? null : Npy.read(p);
    }

    /** A new folder appears whole; in an existing one each file is replaced atomically. */
    private void write(Map<String, Tensor> files) throws IOException {
        if (Files.isDirectory(out)) {
            for (Map.Entry<String, Tensor> f : files.entrySet()) {
                Npy.write(out.resolve(f.getKey()), f.getValue());
            }
        } else {
            AtomicFiles.writeFolder(out, dir -> {
                for (Map.Entry<String, Tensor> f : files.entrySet()) {
                    Files.write(dir.resolve(f.getKey()), Npy.toBytes(f.getValue()));
                }
            });
        }
    }
}

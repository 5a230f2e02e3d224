package dev.rnnport.cli;

import dev.rnnport.NetworkChoiceException;
import dev.rnnport.UsageException;
import dev.rnnport.backend.Backend;
import dev.rnnport.backend.Backends;
import dev.rnnport.backend.onnxruntime.NodeOutputs;
import dev.rnnport.backend.onnxruntime.OnnxRuntimeBackend;
import dev.rnnport.backend.tensorflow.TensorFlowBackend;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
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

@Command(name = "run", description = "Run a network on an input and write output.npy, h_n.npy and (LSTM) c_n.npy.",
        footer = {"", "Examples:",
                "  rnnport run testmodels/demo/lstm.safetensors \\",
                "      --input testmodels/demo/input.npy --out out",
                "  rnnport run testmodels/demo/lstm.safetensors \\",
                "      --input testmodels/demo/input.npy --out out --backend onnxruntime"})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (see 'rnnport inspect --help' for the formats read).")
    Path modelFile;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input in PyTorch's shape for the network's batch_first.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the outputs; created if missing.")
    Path out;

    @Option(names = "--h0", paramLabel = "H.npy", description = "Initial hidden state (directions*num_layers, batch, H_out); zeros when omitted.")
    Path h0;

    @Option(names = "--c0", paramLabel = "C.npy", description = "LSTM initial cell state (directions*num_layers, batch, hidden_size); zeros when omitted.")
    Path c0;

    @Option(names = "--lengths", paramLabel = "N.npy", description = "Valid length of each sequence (integers).")
    Path lengths;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
            description = "Arithmetic to compute in (default float32; ONNX Runtime computes float32 only).")
    String precision;

    @Option(names = "--backend", defaultValue = "native", paramLabel = "native|onnxruntime|tensorflow",
            description = "Engine to run on. ONNX Runtime runs an .onnx MODEL as is (with --network: that network's nodes cut out of the graph), other files through an in-memory ONNX model;"
                    + " TensorFlow runs a SavedModel folder as is, other files as a TensorFlow graph.")
    String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T", description = "Threads: the native engine's (0: one per processor), ONNX Runtime's or TensorFlow's intra-op threads (0: its default).")
    int threads;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse(precision);
        if (threads < 0) {
            throw new UsageException("--threads must be 0 (the engine's default) or more, found " + threads);
        }
        InputFiles files = InputFiles.read(input, h0, c0, lengths);
        RunOutputs result;
        try (Backend b = Backends.named(backend, threads)) {
            if (b instanceof OnnxRuntimeBackend ort && ModelFormat.detect(modelFile) == ModelFormat.ONNX) {
                // The file as it is, so that what runs is exactly what was exported; with --network,
                // that network's own nodes cut out of the graph.
                model.refuseReadingSettings("--backend onnxruntime runs an .onnx file as it is, in its graph's own layout");
                try {
                    result = files.naming(() -> ort.runFile(modelFile, model.network, files.inputs(), p));
                } catch (NetworkChoiceException e) {
                    throw new UsageException(e.message("--network NAME"), e);
                }
                if (model.network == null && result.output() != null && result.output().rank() == 4) {
                    // A bare node's Y [L, D, N, H]: written as (L, N, D*H), as every backend writes output.
                    result = NodeOutputs.toPyTorchShapes(result, model.load(modelFile).config());
                }
            } else if (b instanceof TensorFlowBackend tf && ModelFormat.detect(modelFile) == ModelFormat.SAVEDMODEL) {
                // A SavedModel through its serving signature, whoever wrote it.
                model.refuseReadingSettings("--backend tensorflow runs a SavedModel as it is, through its serving signature");
                result = files.naming(() -> tf.runFile(modelFile, files.inputs(), p));
            } else {
                RecurrentNetwork net = model.load(modelFile);
                result = files.naming(() -> b.run(net, files.inputs(), p));
            }
        }
        Map<String, Tensor> written = new LinkedHashMap<>();
        put(written, "output.npy", result.output());
        put(written, "h_n.npy", result.hN());
        put(written, "c_n.npy", result.cN());
        write(written);
        spec.commandLine().getOut().println("wrote " + String.join(", ", written.keySet()) + " to " + out
                + (result.output() == null ? "" : " (output " + result.output().shapeString() + ")"));
        return Main.OK;
    }

    /** An output the model does not produce (an .onnx graph without Y_h, a GRU's c_n) is not written. */
    private static void put(Map<String, Tensor> files, String name, Tensor t) {
        if (t != null) {
            files.put(name, t);
        }
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

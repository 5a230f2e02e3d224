package dev.rnnport.format.onnx;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One folder of testmodels/grid: a PyTorch module's settings, what it was run on and what it returned. */
final class GridCase {
    static final Path ROOT = Path.of("testmodels", "grid");

    final Path dir;
    final Map<String, Object> config;

    @SuppressWarnings("unchecked")
    GridCase(Path dir) throws IOException {
        this.dir = dir;
        this.config = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("config.json")));
    }

    static List<Path> all() throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> Files.exists(p.resolve("config.json"))).sorted().toList();
        }
    }

    boolean hasOnnx() {
        return Files.exists(dir.resolve("model.onnx"));
    }

    int integer(String key) {
        return ((Number) config.get(key)).intValue();
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(config.get(key));
    }

    CellKind cell() {
        return switch ((String) config.get("cell")) {
            case "LSTM" -> CellKind.LSTM;
            case "GRU" -> CellKind.GRU;
            default -> "relu".equals(config.get("nonlinearity")) ? CellKind.RNN_RELU : CellKind.RNN_TANH;
        };
    }

    Tensor npy(String name) throws IOException {
        return Npy.read(dir.resolve(name + ".npy"));
    }

    RunInputs runInputs() throws IOException {
        RunInputs in = RunInputs.of(npy("input"));
        if (flag("has_h0")) {
            in = in.withH0(npy("h0"));
            if (cell() == CellKind.LSTM) {
                in = in.withC0(npy("c0"));
            }
        }
        if (flag("has_lengths")) {
            in = in.withLengths(npy("lengths"));
        }
        return in;
    }

    @Override
    public String toString() {
        return dir.getFileName().toString();
    }
}

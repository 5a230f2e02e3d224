package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every class of bad input against every reader and writer: the command line exits with the code
 * the README documents (2 for a wrong command line, 3 for a file that is missing or cannot be
 * used), prints exactly one line on stderr naming the file and the offending item, prints no stack
 * trace, and leaves no output behind.
 */
class ErrorCatalogueTest {
    static final Path DEMO = Path.of("testmodels/demo");
    static final String INPUT = DEMO.resolve("input.npy").toString();

    /** One sample of each readable model format, and an input it runs on. */
    record Reader(String name, String extension, Path sample, Path input) {
    }

    static final List<Reader> READERS = List.of(
            new Reader("safetensors", "safetensors", DEMO.resolve("lstm.safetensors"), DEMO.resolve("input.npy")),
            new Reader("pt zip", "pt", Path.of("testmodels/grid/gru_l1/model.pt"), Path.of("testmodels/grid/gru_l1/input.npy")),
            new Reader("pt legacy", "pt", Path.of("testmodels/grid/gru_l1/model_legacy.pt"), Path.of("testmodels/grid/gru_l1/input.npy")),
            new Reader("onnx", "onnx", Path.of("testmodels/grid/gru_l1/model.onnx"), Path.of("testmodels/grid/gru_l1/input.npy")),
            new Reader("keras h5", "h5", Path.of("testmodels/keras/generated/stacked_lstm/model.h5"),
                    Path.of("testmodels/keras/generated/stacked_lstm/input.npy")));

    @TempDir
    Path tmp;

    /** The one-line contract, for any failure. */
    static void assertReported(Result r, int code, Path output, String... mentions) {
        String err = r.err();
        assertEquals(code, r.code(), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        assertTrue(err.startsWith("rnnport"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "'" + m + "' in: " + err);
        }
        if (output != null) {
            assertFalse(Files.exists(output), output + " was left behind");
        }
    }

    @TestFactory
    Stream<DynamicTest> damagedModelFiles() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Reader> readers = new ArrayList<>(READERS);
        Path keras = tmp.resolve("sample.keras");
        readers.add(new Reader("keras zip", "keras", keras, DEMO.resolve("input.npy")));
        tests.add(DynamicTest.dynamicTest("make a .keras sample", () ->
                assertEquals(0, rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), keras.toString()).code())));
        for (Reader reader : readers) {
            String ext = reader.extension();
            Path out = tmp.resolve(reader.name().replace(' ', '_') + "-out.onnx");
            tests.add(DynamicTest.dynamicTest(reader.name() + ": missing file", () -> {
                Path f = tmp.resolve("missing." + ext);
                assertReported(rnnport("convert", f.toString(), out.toString()), 3, out, f + ": no such file");
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": a folder", () -> {
                Path f = Files.createDirectories(tmp.resolve("folder-" + reader.name().replace(' ', '_') + "." + ext));
                assertReported(rnnport("convert", f.toString(), out.toString()), 3, out, f + ": a folder without saved_model.pb");
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": empty file", () -> {
                Path f = Files.write(tmp.resolve("empty-" + reader.name().replace(' ', '_') + "." + ext), new byte[0]);
                assertReported(rnnport("convert", f.toString(), out.toString()), 3, out, f.toString());
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": truncated file", () -> {
                Path f = TestFiles.truncated(reader.sample(), tmp.resolve("cut-" + reader.name().replace(' ', '_') + "." + ext),
                        (int) Files.size(reader.sample()) / 2);
                assertReported(rnnport("convert", f.toString(), out.toString()), 3, out, f.toString());
                assertReported(rnnport("inspect", f.toString()), 3, null, f.toString());
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": wrong magic", () -> {
                Path f = Files.writeString(tmp.resolve("text-" + reader.name().replace(' ', '_') + "." + ext),
                        "these are notes, not a model\n".repeat(20), StandardCharsets.US_ASCII);
                assertReported(rnnport("convert", f.toString(), out.toString()), 3, out, f.toString());
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": input of the wrong shape", () -> {
                // One feature too many: expected vs found, naming the option and the file.
                int features = (int) dev.rnnport.tensor.Npy.read(reader.input()).shape()[2];
                Path x = TestFiles.npy(tmp.resolve("wide-" + reader.name().replace(' ', '_') + ".npy"), "<f4", new int[] {2, 3, features + 1});
                Path dir = tmp.resolve("run-" + reader.name().replace(' ', '_'));
                assertReported(rnnport("run", reader.sample().toString(), "--input", x.toString(), "--out", dir.toString()), 3, dir,
                        "--input " + x, "is " + (features + 1), "expects " + features);
            }));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": unknown option", () ->
                    assertReported(rnnport("convert", reader.sample().toString(), out.toString(), "--fast"), 2, out, "'--fast'")));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": bad option value", () ->
                    assertReported(rnnport("convert", reader.sample().toString(), out.toString(), "--opset", "fourteen"), 2, out,
                            "--opset", "'fourteen'")));
            tests.add(DynamicTest.dynamicTest(reader.name() + ": network name not found", () ->
                    assertReported(rnnport("convert", reader.sample().toString(), out.toString(), "--network", "decoder9"), 2, out,
                            reader.sample().toString(), "no network named 'decoder9'")));
        }
        return tests.stream();
    }

    /** A SavedModel is a folder: its saved_model.pb emptied or cut short is refused naming the folder. */
    @TestFactory
    Stream<DynamicTest> damagedSavedModels() {
        Path written = tmp.resolve("saved");
        Path out = tmp.resolve("from-saved.onnx");
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("savedmodel: write one", () -> assertEquals(0,
                rnnport("convert", DEMO.resolve("lstm.safetensors").toString(), written.toString(), "--to", "savedmodel").code())));
        tests.add(DynamicTest.dynamicTest("savedmodel: missing folder", () ->
                assertReported(rnnport("convert", tmp.resolve("nowhere").toString(), out.toString()), 3, out,
                        tmp.resolve("nowhere") + ": no such file")));
        tests.add(DynamicTest.dynamicTest("savedmodel: empty saved_model.pb", () -> {
            Path dir = copy(written, tmp.resolve("empty-saved"));
            Files.write(dir.resolve("saved_model.pb"), new byte[0]);
            assertReported(rnnport("convert", dir.toString(), out.toString()), 3, out, dir + ": not a SavedModel");
        }));
        tests.add(DynamicTest.dynamicTest("savedmodel: truncated saved_model.pb", () -> {
            Path dir = copy(written, tmp.resolve("cut-saved"));
            TestFiles.truncated(written.resolve("saved_model.pb"), dir.resolve("saved_model.pb"), 300);
            assertReported(rnnport("convert", dir.toString(), out.toString()), 3, out, dir + ": not a SavedModel");
        }));
        return tests.stream();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        return to;
    }

    @TestFactory
    Stream<DynamicTest> damagedTensorFiles() {
        Path model = DEMO.resolve("lstm.safetensors");
        Path dir = tmp.resolve("out");
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("npy: missing file", () ->
                assertReported(rnnport("run", model.toString(), "--input", tmp.resolve("x.npy").toString(), "--out", dir.toString()),
                        3, dir, "--input " + tmp.resolve("x.npy") + ": no such file")));
        tests.add(DynamicTest.dynamicTest("npy: a folder", () ->
                assertReported(rnnport("run", model.toString(), "--input", tmp.toString(), "--out", dir.toString()),
                        3, dir, "--input " + tmp + ": is a folder")));
        tests.add(DynamicTest.dynamicTest("npy: empty file", () -> {
            Path f = Files.write(tmp.resolve("empty.npy"), new byte[0]);
            assertReported(rnnport("run", model.toString(), "--input", INPUT, "--h0", f.toString(), "--out", dir.toString()),
                    3, dir, "--h0 " + f + ": not a .npy file");
        }));
        tests.add(DynamicTest.dynamicTest("npy: truncated file", () -> {
            Path f = TestFiles.truncated(DEMO.resolve("input.npy"), tmp.resolve("cut.npy"), 200);
            assertReported(rnnport("run", model.toString(), "--input", f.toString(), "--out", dir.toString()),
                    3, dir, "--input " + f + ": ", "data bytes");
        }));
        tests.add(DynamicTest.dynamicTest("npy: wrong magic", () -> {
            Path f = Files.writeString(tmp.resolve("lengths.npy"), "2,3\n".repeat(10));
            assertReported(rnnport("run", model.toString(), "--input", INPUT, "--lengths", f.toString(), "--out", dir.toString()),
                    3, dir, "--lengths " + f + ": not a .npy file");
        }));
        tests.add(DynamicTest.dynamicTest("npy: wrong shape", () -> {
            Path f = TestFiles.npy(tmp.resolve("c0.npy"), "<f4", new int[] {4, 2, 15});
            assertReported(rnnport("run", model.toString(), "--input", INPUT, "--c0", f.toString(), "--out", dir.toString()),
                    3, dir, "--c0 " + f + " has shape [4, 2, 15], the network expects [4, 2, 16]");
        }));
        tests.add(DynamicTest.dynamicTest("npy: integer values", () -> {
            Path f = TestFiles.npy(tmp.resolve("h0.npy"), "<i4", new int[] {4, 2, 16});
            assertReported(rnnport("run", model.toString(), "--input", INPUT, "--h0", f.toString(), "--out", dir.toString()),
                    3, dir, "--h0 " + f + " holds int32 values");
        }));
        tests.add(DynamicTest.dynamicTest("npy: --against a missing folder", () ->
                assertReported(rnnport("verify", model.toString(), "--input", INPUT, "--against", tmp.resolve("nowhere").toString()),
                        3, null, "--against " + tmp.resolve("nowhere") + ": no such folder")));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> choosingANetwork() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : List.of("model.pt", "model_legacy.pt")) {
            Path two = Path.of("testmodels/torch/two_rnns").resolve(file);
            Path out = tmp.resolve(file + ".onnx");
            tests.add(DynamicTest.dynamicTest(file + ": several networks without --network", () ->
                    assertReported(rnnport("convert", two.toString(), out.toString()), 2, out,
                            two.toString(), "holds 2 networks", "--network")));
            tests.add(DynamicTest.dynamicTest(file + ": network name not found", () ->
                    assertReported(rnnport("convert", two.toString(), out.toString(), "--network", "middle"), 2, out,
                            two.toString(), "no network named 'middle'", "--network")));
        }
        return tests.stream();
    }

    /** Each writer refuses what its format cannot hold, names the file and the feature, and writes nothing. */
    @TestFactory
    Stream<DynamicTest> featuresATargetCannotHold() {
        Path resetBefore = Path.of("testmodels/keras/generated/gru_reset_before/model.h5");
        Path projected = Path.of("testmodels/grid/lstm_l1_proj/model.safetensors");
        Path masked = Path.of("testmodels/keras/generated/masked_lstm/model.h5");
        List<DynamicTest> tests = new ArrayList<>();
        record Refusal(Path in, String ext, String feature) {
        }
        for (Refusal r : List.of(new Refusal(resetBefore, "pt", "linear_before_reset=0"),
                new Refusal(resetBefore, "safetensors", "linear_before_reset=0"),
                new Refusal(projected, "h5", "proj_size=2"),
                new Refusal(projected, "keras", "proj_size=2"),
                new Refusal(masked, "onnx", "masking"))) {
            tests.add(DynamicTest.dynamicTest(r.ext() + " from " + r.in().getFileName(), () -> {
                Path out = tmp.resolve("refused." + r.ext());
                assertReported(rnnport("convert", r.in().toString(), out.toString()), 3, out, out.toString(), r.feature());
                assertReported(rnnport("convert", r.in().toString(), out.toString(), "--verify"), 3, out, out.toString(), r.feature());
                try (Stream<Path> left = Files.list(tmp)) {
                    assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains("refused")).toList());
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("onnx: an opset out of range", () -> {
            Path out = tmp.resolve("old.onnx");
            assertReported(rnnport("convert", projected.toString(), out.toString(), "--opset", "5"), 2, out, "opset 5", "7 to");
        }));
        tests.add(DynamicTest.dynamicTest("unknown target format", () -> {
            Path out = tmp.resolve("model.tflite");
            assertReported(rnnport("convert", projected.toString(), out.toString()), 2, out, out.toString(), "--to");
        }));
        return tests.stream();
    }
}

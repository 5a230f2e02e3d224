package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The programs in examples/ compile against the library as a user's code would, run, and print what they claim. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("examples");

    @TempDir
    static Path classes;

    @BeforeAll
    static void compile() throws IOException {
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "javac exit code");
    }

    /** What {@code main} of the example class printed. */
    static String run(String className) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ExamplesTest.class.getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void loadRunSave() throws Exception {
        String printed = run("LoadRunSave");
        assertTrue(printed.contains("LSTM(input_size=8, hidden_size=16, num_layers=2"), printed);
        assertTrue(printed.contains("output [2, 5, 32], h_n [4, 2, 16]"), printed);
        Matcher wrote = Pattern.compile("wrote (\\S+)").matcher(printed);
        assertTrue(wrote.find(), printed);
        Path onnx = Path.of(wrote.group(1));
        assertEquals(Networks.load(Path.of("testmodels/demo/lstm.safetensors")).config(), Networks.load(onnx).config());
        Files.delete(onnx);
        Files.delete(onnx.getParent());
    }

    @Test
    void streamingMatchesPyTorch() throws Exception {
        String printed = run("StreamingExample");
        Matcher m = Pattern.compile("largest difference from PyTorch: (\\S+); h_n has (\\d+) values").matcher(printed);
        assertTrue(m.find(), printed);
        assertTrue(Double.parseDouble(m.group(1)) <= 1e-5, printed);
        assertEquals(2 * 3 * 4, Integer.parseInt(m.group(2)), "h_n is (num_layers 2, batch 3, hidden 4)");
    }
}

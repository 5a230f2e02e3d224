package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.format.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every way of asking for help gets it; every option says what it does; every example in the help runs. */
class HelpTest {
    static final List<String> COMMANDS = List.of("inspect", "run", "convert", "verify");

    @TempDir
    Path tmp;

    @Test
    void noCommandPrintsUsageAndExits2() {
        Result r = rnnport();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Usage: rnnport"), r.err());
        for (String c : COMMANDS) {
            assertTrue(r.err().contains("  " + c + " "), c + " in " + r.err());
        }
    }

    @Test
    void helpRequestsPrintUsageAndExit0() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
            Result r = rnnport(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: rnnport"), r.out());
            assertTrue(r.out().contains("Exit codes: 0 ok, 1 parity failure, 2 usage error"), r.out());
        }
        for (String c : COMMANDS) {
            for (String[] args : List.of(new String[] {"help", c}, new String[] {c, "--help"}, new String[] {c, "-h"})) {
                Result r = rnnport(args);
                assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: rnnport " + c), r.out());
                assertTrue(r.out().contains("Example"), r.out());
                assertTrue(r.out().lines().allMatch(l -> l.length() <= 80), "fits 80 columns: " + r.out());
                assertEquals("", r.err());
            }
        }
    }

    @Test
    void everyOptionAndParameterSaysWhatItDoes() {
        CommandLine cmd = Main.commandLine();
        for (String c : COMMANDS) {
            for (OptionSpec o : cmd.getSubcommands().get(c).getCommandSpec().options()) {
                assertTrue(o.hidden() || o.description().length > 0 && !o.description()[0].isBlank(), c + " " + o.longestName());
            }
            for (PositionalParamSpec p : cmd.getSubcommands().get(c).getCommandSpec().positionalParameters()) {
                assertTrue(p.description().length > 0, c + " " + p.paramLabel());
            }
        }
    }

    /** picocli formats descriptions with String.format: a lone % prints a warning and the raw text instead. */
    @Test
    void everyHelpRendersWithoutWarnings() {
        CommandLine cmd = Main.commandLine();
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (CommandLine sub : cmd.getSubcommands().values()) {
                sub.getUsageMessage();
            }
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The examples, as a user would copy them, with the files they write moved into a temporary folder. */
    @Test
    void everyExampleInTheHelpRuns() throws Exception {
        int ran = 0;
        for (String c : COMMANDS) {
            for (List<String> example : examples(rnnport(c, "--help").out())) {
                List<String> args = new ArrayList<>();
                for (String a : example.subList(1, example.size())) {
                    args.add(a.equals("out") || a.equals("lstm.onnx") ? tmp.resolve(c + "-" + ran + "-" + a).toString() : a);
                }
                Result r = rnnport(args.toArray(String[]::new));
                assertEquals(0, r.code(), String.join(" ", example) + ": " + r.err());
                ran++;
            }
        }
        assertTrue(ran >= COMMANDS.size() * 2, "examples run: " + ran);
    }

    /** "  rnnport ..." lines of a help text's footer, joined across trailing backslashes, split into words. */
    static List<List<String>> examples(String help) {
        List<List<String>> out = new ArrayList<>();
        String[] lines = help.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("  rnnport ")) {
                continue;
            }
            StringBuilder line = new StringBuilder(lines[i].strip());
            while (line.toString().endsWith("\\") && i + 1 < lines.length) {
                line.setLength(line.length() - 1);
                line.append(' ').append(lines[++i].strip());
            }
            out.add(List.of(line.toString().strip().split("\\s+")));
        }
        return out;
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>rnnport-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "the pom's version");
        for (String flag : new String[] {"--version", "-V"}) {
            Result r = rnnport(flag);
            assertEquals(0, r.code());
            assertEquals("rnnport " + m.group(1), r.out().strip());
        }
    }

    @Test
    void theFormatsNamedAreTheFormatsRead() throws Exception {
        String help = rnnport("inspect", "--help").out();
        Path notAModel = Files.writeString(tmp.resolve("notes.txt"), "not a model");
        Result refused = rnnport("inspect", notAModel.toString());
        assertEquals(3, refused.code());
        for (String ext : List.of("safetensors", "onnx", "pt", "pth", "th", "bin", "ckpt", "jit", "h5", "hdf5", "keras")) {
            assertTrue(help.contains("." + ext), ext + " in " + help);
            assertTrue(refused.err().contains("." + ext), ext + " in " + refused.err());
            assertTrue(ModelFormat.READABLE.contains("." + ext), ext);
        }
        // The extensions named without a format of their own are read by their content.
        Path ckpt = Files.copy(Path.of("testmodels/torch/checkpoint_lstm/model.pt"), tmp.resolve("model.ckpt"));
        Path jit = Files.copy(Path.of("testmodels/torch/torchscript_lstm/model.pt"), tmp.resolve("model.jit"));
        Path th = Files.copy(Path.of("testmodels/grid/gru_l1/model_legacy.pt"), tmp.resolve("model.th"));
        for (Path p : List.of(ckpt, jit, th)) {
            Result r = rnnport("inspect", p.toString());
            assertEquals(0, r.code(), p + ": " + r.err());
            assertFalse(r.out().isBlank());
        }
    }
}

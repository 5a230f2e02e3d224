package dev.rnnport.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The work the {@code rnnport} script has a JVM do once per build of the jar, under
 * {@code -XX:ArchiveClassesAtExit}, so that the class data sharing archive it keeps beside the jar
 * holds the classes the everyday commands load: inspect of every single-file format, conversions
 * between them, a native run and the help. Every command's output is thrown away; the files it
 * writes go to a temporary folder that is deleted at the end. Not part of the command line.
 */
public final class ClassSharingWarmUp {
    private ClassSharingWarmUp() {
    }

    /** @param args the folder of the bundled demo network (testmodels/demo) */
    public static void main(String[] args) throws IOException {
        Path demo = Path.of(args[0]);
        String network = demo.resolve("lstm.safetensors").toString();
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        Path tmp = Files.createTempDirectory("rnnport-warm-up");
        try {
            List<String[]> commands = new ArrayList<>();
            commands.add(new String[] {"inspect", network});
            for (String ext : List.of("onnx", "pt", "safetensors", "h5", "keras")) {
                String converted = tmp.resolve("demo." + ext).toString();
                commands.add(new String[] {"convert", network, converted});
                commands.add(new String[] {"inspect", converted});
            }
            commands.add(new String[] {"run", network, "--input", demo.resolve("input.npy").toString(),
                    "--out", tmp.resolve("out").toString()});
            commands.add(new String[] {"--help"});
            for (String[] command : commands) {
                Main.execute(nowhere, nowhere, command);
            }
        } finally {
            try (Stream<Path> all = Files.walk(tmp)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

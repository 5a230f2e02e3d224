package dev.rnnport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java shown in README.md is the programs in examples/, verbatim, which {@link ExamplesTest}
 * compiles and runs: what a reader copies is what is tested.
 */
class ReadmeExampleTest {
    @Test
    void readmeShowsTheExamplesAsTheyAre() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- example: (examples/\\w+\\.java)[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            shown.add(m.group(1));
            assertEquals(Files.readString(Path.of(m.group(1))), m.group(2), m.group(1) + " as README.md shows it");
            assertTrue(m.group(2).lines().count() <= 25, m.group(1) + " stays short");
        }
        assertEquals(List.of("examples/LoadRunSave.java", "examples/StreamingExample.java"), shown);
    }
}

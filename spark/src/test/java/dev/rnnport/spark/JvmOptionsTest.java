package dev.rnnport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** spark/jvm.options, which the README's local run passes to java, says what the build's tests run with. */
class JvmOptionsTest {
    @Test
    void theOptionsFileHoldsThePomsSparkOptions() throws Exception {
        Matcher m = Pattern.compile("<spark.jvm.options>(.*)</spark.jvm.options>")
                .matcher(Files.readString(Path.of("spark/pom.xml")));
        m.find();
        List<String> pom = Arrays.asList(m.group(1).trim().split("\\s+"));
        List<String> file = Files.readAllLines(Path.of("spark/jvm.options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("--add-modules")).toList();
        assertEquals(pom, file);
    }
}

package dev.rnnport.format.torch;

import static dev.rnnport.format.torch.Fixtures.MARKER;
import static dev.rnnport.format.torch.Fixtures.TORCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-assembled hostile pickles of testmodels/torch/hostile: each is refused with one line
 * naming the file (and the global, for code-running ones), nothing runs, and the bombs end in
 * that clean refusal even in a 64 MB heap.
 */
class HostileFilesTest {
    private static final Path HOSTILE = TORCH.resolve("hostile");

    @BeforeAll
    static void noMarkerYet() throws IOException {
        Files.deleteIfExists(MARKER);
    }

    static ModelException refusal(String name) {
        Path file = HOSTILE.resolve(name);
        ModelException e = assertThrows(ModelException.class, () -> Networks.loadAll(file, LoadOptions.DEFAULTS));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    @ParameterizedTest
    @CsvSource({
        "os_system.pt, os.system",
        "builtins_eval.pt, builtins.eval",
        "subprocess_popen.pt, subprocess.Popen",
        "torch_attribute_os_system.pt, torch.os.system",
        "module_chain_os_system.pt, torch.nn.modules.module.torch.serialization.os.system"})
    void codeRunningGlobalsAreRefusedByName(String file, String global) {
        ModelException e = refusal(file);
        assertEquals("unsafe pickle in " + HOSTILE.resolve(file) + ": calls " + global, e.getMessage());
        assertFalse(Files.exists(MARKER), "the payload must never run");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mark_nesting_bomb.pt | nested MARKs",
        "memo_index_bomb.pt | memo index 4294967295",
        "huge_binunicode.pt | BINUNICODE claims 4294967280 bytes",
        "huge_binunicode8.pt | BINUNICODE8 claims 4611686018427387904 bytes",
        "storage_larger_than_record.pt | storage '0' claims 1000000000000 torch.float32 elements",
        "view_outside_storage.pt | reaches element 58 of storage '0', which holds 48",
        "legacy_count_exceeds_file.pt | storage '0' claims 1099511627776 torch.float32 elements but only 64 bytes remain",
        "name_bomb.pt | tensor names add up to more characters than the limit",
        "tuple_key_bomb.pt | tuples nested deeper than 100",
        "expanded_view_bomb.pt | tensor weight_ih_l0 (with the parameters read before it) needs 8192 MiB, more than the"})
    void malformedAndOversizedClaimsAreRefused(String file, String says) {
        ModelException e = refusal(file);
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void listNestingBombIsRefusedNotOverflowed() {
        ModelException e = refusal("list_nesting_bomb.pt");
        assertTrue(e.getMessage().contains("nested deeper than") || e.getMessage().contains("of memory"), e.getMessage());
    }

    @Test
    void memoFloodIsRefusedOrHarmless() {
        refusal("memo_flood_bomb.pt");
    }

    @Test
    void laughsBombIsWalkedOnceAndHoldsNoNetwork() {
        ModelException e = refusal("laughs_bomb.pt");
        assertTrue(e.getMessage().contains("no LSTM, GRU or RNN found"), e.getMessage());
    }

    /**
     * Every bomb, alone in a child JVM with a 64 MB heap and a 256 KB thread stack: a clean
     * refusal, never an OutOfMemoryError or StackOverflowError.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mark_nesting_bomb.pt", "list_nesting_bomb.pt", "memo_index_bomb.pt", "memo_flood_bomb.pt",
        "laughs_bomb.pt", "huge_binunicode.pt", "huge_binunicode8.pt", "storage_larger_than_record.pt",
        "legacy_count_exceeds_file.pt", "os_system.pt", "name_bomb.pt", "tuple_key_bomb.pt", "expanded_view_bomb.pt", "torch_attribute_os_system.pt"})
    void boundedMemoryInSmallHeap(String file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-Xmx64m", "-Xss256k", "-cp", cp, LoadInSmallHeap.class.getName(),
                HOSTILE.resolve(file).toString()).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), file + " did not finish in a minute");
        assertEquals(3, p.exitValue(), file + " should end in a ModelException, printed: " + out);
        assertTrue(out.contains(HOSTILE.resolve(file).toString()), out);
        assertFalse(Files.exists(MARKER));
    }

    @Test
    void everyHostileFileIsCovered() throws IOException {
        try (Stream<Path> s = Files.list(HOSTILE)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            for (String n : names) {
                refusal(n);
            }
            assertEquals(18, names.size(), "hostile files: " + names);
        }
        assertFalse(Files.exists(MARKER));
    }
}

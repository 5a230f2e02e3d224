package dev.rnnport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rnnport.RnnportException.Kind;
import org.junit.jupiter.api.Test;

/** Each kind of failure has the exit code the command line documents: 2 usage, 1 parity, 3 the rest. */
class ExitCodesTest {
    @Test
    void everyKindHasItsExitCode() {
        assertEquals(2, Main.exitCode(Kind.USAGE));
        assertEquals(1, Main.exitCode(Kind.PARITY));
        for (Kind k : new Kind[] {Kind.MALFORMED, Kind.UNSUPPORTED, Kind.UNSAFE, Kind.IO}) {
            assertEquals(3, Main.exitCode(k), k.toString());
        }
    }
}

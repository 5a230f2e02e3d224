package dev.rnnport.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON front door: values in the documented Java types, strictness, and the bounds on hostile input. */
class JsonTest {
    @Test
    void valuesComeOutInTheDocumentedTypes() {
        Object v = Json.parse(" {\"b\": [1, -2.5, \"x\\u00e9\\ud83d\\ude00\", true, false, null], \"a\": {}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", Arrays.asList(1L, -2.5, "x\u00e9\ud83d\ude00", true, false, null));
        expected.put("a", Map.of());
        assertEquals(expected, v);
        assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) v).keySet()), "key order is kept");
        assertEquals(9007199254740993L, Json.parse("9007199254740993"), "integers are exact longs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "[1] x", "[01]", "[NaN]", "[1,]", "{'a':1}", "[\"a\tb\"]", "",
        "[1 // c\n]", "99999999999999999999", "{\"a\":"})
    void invalidDocumentsAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void nestingIsBounded() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
    }

    @Test
    void hugeNumbersAreRefusedBeforeConversion() {
        String digits = "1" + "0".repeat(100_000) + ".5";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[" + digits + "]"));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
    }

    @Test
    void quotingRoundTrips() {
        String s = "a\"b\\c\n\t\u0001\u001f/\u00e9\ud83d\ude00";
        String q = Json.quote(s);
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001\\u001F/\u00e9\ud83d\ude00\"", q);
        assertEquals(s, Json.parse(q));
    }
}

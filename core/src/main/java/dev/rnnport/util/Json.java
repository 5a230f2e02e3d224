package dev.rnnport.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON reading and string quoting for the JSON documents rnnport touches (safetensors
 * headers, configs), on Jackson's streaming parser. Objects become {@code LinkedHashMap} (key
 * order kept), arrays {@code List}, integers {@code Long}, other numbers {@code Double}.
 *
 * <p>Jackson's {@link StreamReadConstraints} bound what a hostile document can make the parser
 * do: nesting depth, the length of a string, a number or a name, and the whole document. The
 * values are built without recursion, so depth is bounded by the constraint alone. Duplicate
 * keys, trailing text, NaN, leading zeros and comments are refused, as Python's json and Rust's
 * serde refuse them.
 */
public final class Json {
    /** Real headers and configs nest a handful of levels. */
    static final int MAX_DEPTH = 64;
    /** A number longer than this is no weight offset or hyper-parameter (and slow to convert). */
    static final int MAX_NUMBER_CHARS = 400;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(100 << 20)
                    .maxNameLength(1 << 20)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private Json() {
    }

    /** Parses one JSON value; throws IllegalArgumentException saying where and what the first problem is. */
    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("invalid JSON at offset 0: no value");
            }
            Object v = read(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("invalid JSON at offset " + offset(p) + ": unexpected text after the value");
            }
            return v;
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException("invalid JSON at offset " + at + ": " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage());
        }
    }

    /**
     * {@code value} as compact JSON: a Map (string keys, in its iteration order) is an object, a List an
     * array, a Number a number (non-finite ones as strings, which JSON lacks), a Boolean a boolean, null null,
     * anything else its string.
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",").append(quote(String.valueOf(e.getKey()))).append(':');
                write(e.getValue(), b);
                first = false;
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",");
                write(l.get(i), b);
            }
            b.append(']');
        } else if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
            b.append(quote(v.toString()));
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            b.append(quote(v.toString()));
        }
    }

    /** A JSON string literal for {@code v}. */
    public static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(v, b);
        return b.append('"').toString();
    }

    private static long offset(JsonParser p) {
        return p.currentTokenLocation().getCharOffset();
    }

    /** The value starting at the parser's current token, built with a stack of open containers. */
    private static Object read(JsonParser p) throws IOException {
        Deque<Object> open = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        Object done = null;
        JsonToken t = p.currentToken();
        while (true) {
            Object value;
            boolean complete = true;
            switch (t) {
                case START_OBJECT -> {
                    open.push(new LinkedHashMap<String, Object>());
                    complete = false;
                    value = null;
                }
                case START_ARRAY -> {
                    open.push(new ArrayList<>());
                    complete = false;
                    value = null;
                }
                case END_OBJECT, END_ARRAY -> value = open.pop();
                case FIELD_NAME -> {
                    keys.push(p.currentName());
                    complete = false;
                    value = null;
                }
                case VALUE_STRING -> value = p.getText();
                case VALUE_NUMBER_INT -> value = integer(p);
                case VALUE_NUMBER_FLOAT -> value = p.getDoubleValue();
                case VALUE_TRUE -> value = Boolean.TRUE;
                case VALUE_FALSE -> value = Boolean.FALSE;
                case VALUE_NULL -> value = null;
                default -> throw new IllegalArgumentException("invalid JSON at offset " + offset(p) + ": unexpected " + t);
            }
            if (complete) {
                if (open.isEmpty()) {
                    done = value;
                    return done;
                }
                add(open.peek(), keys, value);
            }
            t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("invalid JSON: unexpected end");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(Object container, Deque<String> keys, Object value) {
        if (container instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put(keys.pop(), value);
        } else {
            ((List<Object>) container).add(value);
        }
    }

    private static Object integer(JsonParser p) throws IOException {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger v = p.getBigIntegerValue();
            throw new IllegalArgumentException("invalid JSON at offset " + offset(p) + ": integer " + abbreviate(v.toString())
                    + " is out of the 64-bit range");
        }
        return p.getLongValue();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}

package dev.rnnport.util;

import dev.rnnport.RnnportException;

/**
 * Text from a file made fit for a one-line message: names in a hostile file may hold newlines,
 * terminal escapes or other control characters, which are shown as '?'.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code s} with every control or line-breaking character replaced by '?'. */
    public static String oneLine(String s) {
        return RnnportException.printable(s);
    }
}

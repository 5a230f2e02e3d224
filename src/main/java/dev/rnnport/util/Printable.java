package dev.rnnport.util;

import dev.rnnport.ModelException;
import java.util.regex.Pattern;

/**
 * Text from a file made fit for a one-line message: names in a hostile file may hold newlines,
 * terminal escapes or other control characters, which are shown as '?'.
 */
public final class Printable {
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cntrl}\\x{2028}\\x{2029}\\x{85}]");

    private Printable() {
    }

    /** {@code s} with every control or line-breaking character replaced by '?'. */
    public static String oneLine(String s) {
        return s == null ? null : UNPRINTABLE.matcher(s).replaceAll("?");
    }

    /**
     * {@code e} itself if its message is already one printable line, else a ModelException with
     * the message made printable: readers pass every refusal through this before it leaves them.
     */
    public static ModelException oneLine(ModelException e) {
        String m = e.getMessage();
        if (m == null || !UNPRINTABLE.matcher(m).find()) {
            return e;
        }
        return new ModelException(oneLine(m), e);
    }
}

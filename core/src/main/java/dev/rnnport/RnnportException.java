package dev.rnnport;

/**
 * Every failure rnnport reports to its user, loading, saving, converting or running: one unchecked
 * family whose {@link Kind} says what went wrong. The message is the one line a user sees, in the
 * user's terms (file, network, tensor, expected against found). The command line turns the kind
 * into its exit code in one place; a library user can switch on {@link #kind()} in the same way.
 */
public class RnnportException extends RuntimeException {

    /** What kind of failure this is. */
    public enum Kind {
        /** A request that does not fit the model or the call: a wrong option, input shape or choice. */
        USAGE,
        /** A file, tensor or configuration that is damaged, inconsistent or cannot exist. */
        MALFORMED,
        /** Valid input that rnnport, or the format asked for, cannot express or run. */
        UNSUPPORTED,
        /** A file that would run code (or exhaust memory) if it were read the way its own tools read it. */
        UNSAFE,
        /** Two runtimes computed results further apart than the tolerance. */
        PARITY,
        /** The file system refused a read or a write. */
        IO
    }

    private final Kind kind;

    /**
     * @param kind    what kind of failure
     * @param message the one line a user sees
     */
    public RnnportException(Kind kind, String message) {
        super(printable(message));
        this.kind = kind;
    }

    /**
     * @param kind    what kind of failure
     * @param message the one line a user sees
     * @param cause   the underlying failure, kept for debugging; its message is not shown
     */
    public RnnportException(Kind kind, String message, Throwable cause) {
        super(printable(message), cause);
        this.kind = kind;
    }

    /**
     * {@code s} with every control or line-breaking character shown as '?'. Messages quote names
     * from files, and a hostile file's names may hold newlines or terminal escapes: made here,
     * every message of the family is one printable line, whichever reader or writer built it.
     */
    public static String printable(String s) {
        return s == null ? null : UNPRINTABLE.matcher(s).replaceAll("?");
    }

    private static final java.util.regex.Pattern UNPRINTABLE =
            java.util.regex.Pattern.compile("[\\p{Cntrl}\\x{2028}\\x{2029}\\x{85}]");

    /** @return what kind of failure this is */
    public Kind kind() {
        return kind;
    }

    /** The kind of {@code cause} when it is one of ours, else {@code otherwise}: a rewrapped failure keeps its kind. */
    static Kind kindOf(Throwable cause, Kind otherwise) {
        return cause instanceof RnnportException r ? r.kind() : otherwise;
    }
}

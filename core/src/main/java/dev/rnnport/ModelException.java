package dev.rnnport;

/**
 * Input that cannot be used: an unreadable, inconsistent, unsupported or unsafe file or tensor, or
 * a network a format cannot hold. The message is the one line a user sees; it names the file, the
 * tensor or attribute and what was expected against what was found. Its kind is
 * {@link Kind#MALFORMED} unless the thrower says otherwise; wrapping another rnnport failure (to add
 * the file's name, say) keeps that failure's kind.
 */
public class ModelException extends RnnportException {
    /** A malformed file, tensor or configuration. */
    public ModelException(String message) {
        super(Kind.MALFORMED, message);
    }

    /** The kind of {@code cause} when it is an rnnport failure, else malformed. */
    public ModelException(String message, Throwable cause) {
        super(kindOf(cause, Kind.MALFORMED), message, cause);
    }

    /** A failure of the given kind: {@link Kind#UNSUPPORTED} or {@link Kind#UNSAFE}, say. */
    public ModelException(Kind kind, String message) {
        super(kind, message);
    }

    /** A failure of the given kind with its underlying cause. */
    public ModelException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}

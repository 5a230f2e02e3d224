package dev.rnnport;

/**
 * Input that cannot be used: an unreadable, inconsistent, unsupported or unsafe file or tensor.
 * The message is the one line a user sees; it names the file, the tensor or attribute and what
 * was expected against what was found. The CLI turns it into exit code 3.
 */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

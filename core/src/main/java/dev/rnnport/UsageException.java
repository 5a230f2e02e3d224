package dev.rnnport;

/** A request that does not fit the model or the call: a wrong option, input shape or choice. Kind {@link Kind#USAGE}. */
public class UsageException extends RnnportException {
    public UsageException(String message) {
        super(Kind.USAGE, message);
    }

    public UsageException(String message, Throwable cause) {
        super(Kind.USAGE, message, cause);
    }
}

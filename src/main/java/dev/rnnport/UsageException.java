package dev.rnnport;

/** A request that does not fit the model or the command: a wrong flag, input shape or choice. Exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}

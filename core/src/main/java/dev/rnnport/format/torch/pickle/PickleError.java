package dev.rnnport.format.torch.pickle;

/**
 * A malformed, unsupported or over-limit pickle, raised inside the unpickler and the rebuilding
 * rules. {@link Unpickler} turns it into a {@link dev.rnnport.ModelException} naming the file and
 * the byte offset.
 */
public final class PickleError extends RuntimeException {
    public PickleError(String message) {
        super(message, null, false, false);
    }
}

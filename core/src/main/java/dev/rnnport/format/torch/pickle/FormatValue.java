package dev.rnnport.format.torch.pickle;

/**
 * A value that a file format's rebuilding rules (see {@link PickleCallables}) or its persistent id
 * loader make from a pickle, such as a tensor or a storage. The unpickler keeps it as it is and
 * names it in messages by its Python type.
 */
public interface FormatValue {
    /** The Python type's name, for messages ({@code "tensor"}). */
    String pythonType();
}

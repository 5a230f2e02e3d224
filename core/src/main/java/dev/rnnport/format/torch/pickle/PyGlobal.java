package dev.rnnport.format.torch.pickle;

/**
 * A name a pickle refers to ({@code GLOBAL module name}, {@code STACK_GLOBAL}): a class, function
 * or constant such as {@code torch.float32}. Nothing is imported; the name is data until a
 * known, side-effect-free rebuilding rule gives it meaning (see {@link PickleCallables}).
 */
public record PyGlobal(String module, String name) {

    public String qualified() {
        return module + "." + name;
    }

    boolean is(String qualifiedName) {
        return qualified().equals(qualifiedName);
    }

    @Override
    public String toString() {
        return qualified();
    }
}

package dev.rnnport.format.torch.pickle;

import java.util.LinkedHashSet;
import java.util.Set;

/** A Python set or frozenset. Identity semantics, like {@link PyDict}. */
final class PySet {
    private final boolean frozen;
    private final Set<Object> items = new LinkedHashSet<>();

    PySet(boolean frozen) {
        this.frozen = frozen;
    }

    boolean frozen() {
        return frozen;
    }

    Set<Object> items() {
        return items;
    }

    @Override
    public String toString() {
        return (frozen ? "frozenset" : "set") + " of " + items.size();
    }
}

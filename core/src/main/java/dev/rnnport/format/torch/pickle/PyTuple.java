package dev.rnnport.format.torch.pickle;

import java.util.List;

/**
 * A Python tuple: immutable, compared by value, usable as a dict key. Its nesting depth is
 * recorded when it is made so that hashing and comparing nested tuples cannot recurse deeper
 * than the unpickler allowed.
 */
public final class PyTuple {
    public static final PyTuple EMPTY = new PyTuple(List.of(), 1);

    private final List<Object> items;
    private final int depth;
    private int hash;

    private PyTuple(List<Object> items, int depth) {
        this.items = items;
        this.depth = depth;
    }

    /** A tuple of {@code items} (copied; null items stand for None). */
    public static PyTuple of(List<?> items) {
        int depth = 1;
        for (Object o : items) {
            if (o instanceof PyTuple t) {
                depth = Math.max(depth, t.depth + 1);
            }
        }
        if (depth > Unpickler.MAX_TUPLE_DEPTH) {
            throw new PickleError("tuples nested deeper than " + Unpickler.MAX_TUPLE_DEPTH);
        }
        return new PyTuple(java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items)), depth);
    }

    public static PyTuple of(Object... items) {
        return of(java.util.Arrays.asList(items));
    }

    public List<Object> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public Object get(int i) {
        return items.get(i);
    }

    int depth() {
        return depth;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyTuple t && t.items.equals(items);
    }

    @Override
    public int hashCode() {
        if (hash == 0) {
            hash = items.hashCode() | 1;
        }
        return hash;
    }

    @Override
    public String toString() {
        return "tuple of " + items.size();
    }
}

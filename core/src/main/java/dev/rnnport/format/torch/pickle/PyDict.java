package dev.rnnport.format.torch.pickle;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python dict or {@code collections.OrderedDict}, in insertion order. Attributes set on it by
 * BUILD (a state dict's {@code _metadata}) are kept apart from its items. Compared by identity,
 * like the mutable object it is, so that a dict holding itself cannot send hashing into a loop.
 */
public final class PyDict {
    private final String pythonType;
    private final Map<Object, Object> items = new LinkedHashMap<>();
    private final Map<Object, Object> attributes = new LinkedHashMap<>();

    PyDict(String pythonType) {
        this.pythonType = pythonType;
    }

    String pythonType() {
        return pythonType;
    }

    public Map<Object, Object> items() {
        return items;
    }

    public Map<Object, Object> attributes() {
        return attributes;
    }

    public Object get(String key) {
        return items.get(key);
    }

    @Override
    public String toString() {
        return pythonType + " of " + items.size();
    }
}

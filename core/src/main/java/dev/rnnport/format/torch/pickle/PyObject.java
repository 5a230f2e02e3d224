package dev.rnnport.format.torch.pickle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert stand-in for an instance of a class the unpickler does not rebuild (an
 * {@code argparse.Namespace}, a user's vocabulary class, a TorchScript {@code __torch__} module,
 * an eagerly pickled {@code nn.LSTM}). Nothing of the class runs: REDUCE, NEWOBJ, BUILD,
 * APPEND(S), SETITEM(S) and ADDITEMS only record what the pickle says, so the tensors inside the
 * recorded state stay reachable.
 */
public final class PyObject {
    private final Object type;
    private final List<Object> args;
    private final Map<Object, Object> kwargs;
    private Object state;
    private final List<Object> listItems = new ArrayList<>();
    private final Map<Object, Object> dictItems = new LinkedHashMap<>();

    PyObject(Object type, List<Object> args, Map<Object, Object> kwargs) {
        this.type = type;
        this.args = args;
        this.kwargs = kwargs;
    }

    /** The class (usually a {@link PyGlobal}) or whatever was called to make this object. */
    public Object type() {
        return type;
    }

    public String typeName() {
        return type instanceof PyGlobal g ? g.qualified() : "object made by a " + Py.typeName(type);
    }

    List<Object> args() {
        return args;
    }

    Map<Object, Object> kwargs() {
        return kwargs;
    }

    /** The BUILD state: usually a dict of attributes, or a (dict, slots) tuple; null if none. */
    public Object state() {
        return state;
    }

    void setState(Object s) {
        state = s;
    }

    public List<Object> listItems() {
        return listItems;
    }

    public Map<Object, Object> dictItems() {
        return dictItems;
    }

    @Override
    public String toString() {
        return typeName() + " object";
    }
}

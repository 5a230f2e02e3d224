package dev.rnnport.format.torch;

import dev.rnnport.format.torch.pickle.PickleBudget;
import dev.rnnport.format.torch.pickle.PickleCallables;
import dev.rnnport.format.torch.pickle.PickleError;
import dev.rnnport.format.torch.pickle.Py;
import dev.rnnport.format.torch.pickle.PyGlobal;
import dev.rnnport.format.torch.pickle.PyTuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The rebuilding functions torch.save pickles name, as torch.load(weights_only=True) allows them:
 * {@code torch._utils._rebuild_tensor} (v1 to v3) makes a {@link TorchTensor} over a storage the
 * container resolved from a persistent id; parameters, tensor subclasses, {@code torch.Size} and
 * TorchScript's typed lists come out as the plain values inside them. Every other global is left
 * to the plain-data rules.
 */
final class TorchCallables extends PickleCallables {

    TorchCallables(PickleBudget budget) {
        super(budget);
    }

    /**
     * What torch.load(weights_only=True) is built to call: tensor, parameter and storage
     * rebuilding, dtypes, torch.Size, TorchScript's typed lists and the state dict's OrderedDict.
     */
    @Override
    protected boolean rebuilds(PyGlobal g) {
        String q = g.qualified();
        return q.startsWith("torch._utils._rebuild_") || q.equals("torch._tensor._rebuild_from_type_v2")
                || q.equals("torch.Size") || q.equals("torch.device") || q.startsWith("torch.jit._pickle.")
                || q.equals("collections.OrderedDict")
                || TorchDType.ofStorageGlobal(g) != null || TorchDType.ofDtypeGlobal(g) != null
                || q.equals("torch.UntypedStorage");
    }

    @Override
    protected Object callGlobal(PyGlobal g, List<Object> a) {
        switch (g.qualified()) {
            case "torch._utils._rebuild_tensor":
                return tensor(a, 4, null, "_rebuild_tensor");
            case "torch._utils._rebuild_tensor_v2":
                return tensor(a, 6, null, "_rebuild_tensor_v2");
            case "torch._utils._rebuild_tensor_v3": {
                Object d = arg(a, 6, "_rebuild_tensor_v3");
                TorchDType dtype = TorchDType.ofDtypeGlobal(d);
                if (dtype == null) {
                    throw new PickleError("_rebuild_tensor_v3 names dtype " + Py.typeName(d) + ", not a torch dtype");
                }
                return tensor(a, 7, dtype, "_rebuild_tensor_v3");
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                // A Parameter is its data; requires_grad, hooks and extra state do not change values.
                return arg(a, 0, g.name());
            case "torch._tensor._rebuild_from_type_v2", "torch._utils._rebuild_from_type_v2":
                // Tensor subclasses: rebuild the plain tensor with the inner function, ignore the type.
                return call(arg(a, 0, g.name()), asTuple(arg(a, 2, g.name())));
            case "torch.Size":
                return a.isEmpty() ? PyTuple.EMPTY : PyTuple.of(new ArrayList<>(iterable(a.get(0), "torch.Size()")));
            case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist",
                    "torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensorlist",
                    "torch.jit._pickle.build_genericlist", "torch.jit._pickle.restore_type_tag":
                // TorchScript wraps typed lists; the value is the first argument.
                return arg(a, 0, g.name());
            default:
                return super.callGlobal(g, a);
        }
    }

    @Override
    protected void buildValue(Object inst, Object state) {
        if (inst instanceof TorchTensor) {
            if (state instanceof PyTuple t && t.size() == 4 && t.get(0) instanceof StorageRef) {
                throw new PickleError("a tensor whose storage is set by BUILD (pre-1.0 torch.save) is not supported");
            }
            return; // requires_grad, hooks, Python attributes: nothing that changes values
        }
        super.buildValue(inst, state);
    }

    /** _rebuild_tensor(_v2, _v3): (storage, storage_offset, size, stride, ...). */
    private TorchTensor tensor(List<Object> a, int minArgs, TorchDType dtype, String what) {
        if (a.size() < 4 || (minArgs > 4 && a.size() < minArgs)) {
            throw new PickleError(what + " takes at least " + minArgs + " arguments, found " + a.size());
        }
        if (!(a.get(0) instanceof StorageRef storage)) {
            throw new PickleError(what + " got a " + Py.typeName(a.get(0)) + " where a storage (persistent id) belongs");
        }
        Long offset = Py.asLong(a.get(1));
        if (offset == null) {
            throw new PickleError(what + " got a storage offset of type " + Py.typeName(a.get(1)));
        }
        budget.charge(PickleBudget.OBJECT);
        return TorchTensor.view(storage, dtype == null ? storage.dtype() : dtype, offset,
                longs(a.get(2), what + " size"), longs(a.get(3), what + " stride"));
    }

    private static long[] longs(Object v, String what) {
        Collection<?> items = iterable(v, what);
        long[] out = new long[items.size()];
        int i = 0;
        for (Object o : items) {
            Long l = Py.asLong(o);
            if (l == null) {
                throw new PickleError(what + " holds a " + Py.typeName(o) + ", expected ints");
            }
            out[i++] = l;
        }
        return out;
    }
}

package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.format.statedict.StateDictNetworks;
import dev.rnnport.format.torch.pickle.PickleLimits;
import dev.rnnport.format.torch.pickle.Py;
import dev.rnnport.format.torch.pickle.Unpickler;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.ParameterNames;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import dev.rnnport.util.ReadLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads nn.LSTM / nn.GRU / nn.RNN weights from PyTorch files: torch.save in the zip and legacy
 * layouts (state dicts, training checkpoints, whole pickled models) and torch.jit.save archives.
 * Pickles are interpreted by rnnport's own {@link Unpickler}, which runs nothing from the file.
 * Only the tensors that recurrent parameters are named by are read from disk.
 *
 * <p>Each network is named by its key prefix ({@code model.encoder.}). A state dict does not
 * record batch_first or an RNN's nonlinearity, so they default to PyTorch's defaults unless the
 * file pickled the module itself.
 */
public final class TorchReader implements FormatReader {
    private final PickleLimits limits;

    public TorchReader() {
        this(PickleLimits.defaults());
    }

    TorchReader(PickleLimits limits) {
        this.limits = limits;
    }

    @Override
    public List<NamedNetwork> read(Path file) throws IOException {
        String name = file.toString();
        try (TorchFile torch = TorchFile.open(file, limits)) {
            TensorTree tree = TensorTree.of(torch.root(), name, limits);
            Map<String, Tensor> parameters = new LinkedHashMap<>();
            ReadLimits bytes = new ReadLimits(limits.maxAllocation(), 0, 0);
            long held = 0;
            for (Map.Entry<String, Object> e : tree.leaves().entrySet()) {
                if (!ParameterNames.isParameterName(e.getKey())) {
                    continue;
                }
                if (e.getValue() instanceof TorchTensor t) {
                    held = t.readCost() > Long.MAX_VALUE - held ? Long.MAX_VALUE : held + t.readCost();
                    bytes.checkBytes(held == Long.MAX_VALUE ? -1 : held, name + ": tensor " + e.getKey()
                            + " (with the parameters read before it)");
                    parameters.put(e.getKey(), t.materialize(torch, name, e.getKey()));
                } else {
                    throw new ModelException(name + ": " + e.getKey() + " is a " + Py.typeName(e.getValue())
                            + ", not a dense tensor rnnport can read");
                }
            }
            List<NamedNetwork> found = StateDictNetworks.find(parameters, Map.of(), name);
            List<NamedNetwork> out = new ArrayList<>(found.size());
            for (NamedNetwork n : found) {
                TensorTree.ModuleSettings s = tree.settings().get(n.name());
                out.add(s == null ? n : recorded(n.withNetwork(apply(n.network(), s)), s));
            }
            return out;
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // a read failure inside the unpickler's buffered input
        }
    }

    /** Marks what the pickled module recorded about itself. */
    private static NamedNetwork recorded(NamedNetwork n, TensorTree.ModuleSettings s) {
        if (s.batchFirst() != null) {
            n = n.withRecorded(NamedNetwork.Setting.BATCH_FIRST);
        }
        if (s.nonlinearity() != null) {
            n = n.withRecorded(NamedNetwork.Setting.NONLINEARITY);
        }
        if (s.dropout() != null) {
            n = n.withRecorded(NamedNetwork.Setting.DROPOUT);
        }
        return n;
    }

    /**
     * Every global the file's pickles name outside tensor rebuilding (custom classes, functions,
     * {@code builtins.set} ...), in the order named: Python would import and call these when
     * loading the file; rnnport did not. Empty for a plain state dict.
     */
    public List<String> foreignGlobals(Path file) throws IOException {
        try (TorchFile torch = TorchFile.open(file, limits)) {
            return torch.foreignGlobals();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Applies what an eagerly pickled module recorded about itself. */
    private static RecurrentNetwork apply(RecurrentNetwork net, TensorTree.ModuleSettings s) {
        NetworkConfig c = net.config();
        if (s.batchFirst() != null) {
            c = c.withBatchFirst(s.batchFirst());
        }
        if ("relu".equals(s.nonlinearity()) && c.cell().isRnn()) {
            c = c.withCell(CellKind.RNN_RELU);
        }
        if (s.dropout() != null && s.dropout() >= 0 && s.dropout() < 1) {
            c = c.withDropout(s.dropout());
        }
        return c.equals(net.config()) ? net : new RecurrentNetwork(c, net.weights());
    }
}

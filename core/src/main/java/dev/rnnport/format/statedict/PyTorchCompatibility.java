package dev.rnnport.format.statedict;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.format.MaskingCompatibility;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import java.util.Optional;

/** Names the features that nn.LSTM / nn.GRU / nn.RNN cannot hold, for every format that stores a state dict. */
public final class PyTorchCompatibility {
    private PyTorchCompatibility() {
    }

    /** Why PyTorch's module cannot hold {@code net}, naming the first feature it lacks; empty when it can. */
    public static Optional<String> refusal(RecurrentNetwork net) {
        Optional<String> masking = MaskingCompatibility.refusal(net, "a PyTorch state dict");
        if (masking.isPresent()) {
            return masking;
        }
        NetworkConfig c = net.config();
        CellOptions o = c.options();
        CellOptions d = CellOptions.defaults(c.cell());
        String why = null;
        if (net.hasPeepholes()) {
            why = "LSTM peepholes (ONNX input P)";
        } else if (o.hasClip()) {
            why = "cell clip " + o.clip();
        } else if (o.reverseOnly()) {
            why = "reverse-only direction (ONNX direction=\"reverse\"; only forward or bidirectional exist)";
        } else if (o.inputForget()) {
            why = "input_forget (coupled input and forget gates)";
        } else if (!o.linearBeforeReset()) {
            why = "GRU with linear_before_reset=0 (Keras reset_after=False: reset gate applied before the recurrent matmul)";
        } else if (!o.forwardActivations().equals(d.forwardActivations())
                || (c.bidirectional() && !o.reverseActivations().equals(d.reverseActivations()))) {
            why = "activations " + o.forwardActivations()
                    + (c.bidirectional() ? " / " + o.reverseActivations() : "")
                    + " (PyTorch's " + c.cell().moduleName() + " uses " + d.forwardActivations() + ")";
        }
        return why == null ? Optional.empty() : Optional.of("PyTorch's nn." + c.cell().moduleName() + " has no " + why);
    }

    /** Throws the {@link #refusal}, if there is one, as "cannot write FORMAT: ...". */
    public static void check(RecurrentNetwork net, String format) {
        Optional<String> why = refusal(net);
        if (why.isPresent()) {
            throw new ModelException(RnnportException.Kind.UNSUPPORTED, "cannot write " + format + ": " + why.get());
        }
    }
}

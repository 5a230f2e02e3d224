package dev.rnnport.format.statedict;

import dev.rnnport.ModelException;
import dev.rnnport.format.MaskingCompatibility;
import dev.rnnport.nn.CellOptions;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;

/** Refuses, by name, the features that nn.LSTM / nn.GRU / nn.RNN cannot hold. */
public final class PyTorchCompatibility {
    private PyTorchCompatibility() {
    }

    public static void check(RecurrentNetwork net, String format) {
        MaskingCompatibility.check(net, format);
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
        if (why != null) {
            throw new ModelException("cannot write " + format + ": PyTorch's nn." + c.cell().moduleName()
                    + " has no " + why);
        }
    }
}

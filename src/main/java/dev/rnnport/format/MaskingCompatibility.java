package dev.rnnport.format;

import dev.rnnport.ModelException;
import dev.rnnport.nn.Masking;
import dev.rnnport.nn.RecurrentNetwork;

/**
 * Refuses to write Keras masking into a format whose padding means something else: in PyTorch and
 * ONNX a padded step outputs zeros and only a sequence's tail can be padded, while Keras repeats the
 * previous output at a masked step anywhere in the sequence. Writing such a network would change
 * what it computes without a word.
 */
public final class MaskingCompatibility {
    private MaskingCompatibility() {
    }

    public static void check(RecurrentNetwork net, String format) {
        Masking m = net.config().options().masking();
        if (m.isPyTorchLike()) {
            return;
        }
        throw new ModelException("cannot write " + format + ": the network has Keras masking (" + m + "), and "
                + format + " has no way to say it: a masked step would output zeros instead of repeating the previous output"
                + (m.maskValue() == null ? "" : ", and no step would be masked by its value"));
    }
}

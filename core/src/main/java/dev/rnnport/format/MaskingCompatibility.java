package dev.rnnport.format;

import dev.rnnport.nn.Masking;
import dev.rnnport.nn.RecurrentNetwork;
import java.util.Optional;

/**
 * Keras masking cannot go into a format whose padding means something else: in PyTorch and ONNX a
 * padded step outputs zeros and only a sequence's tail can be padded, while Keras repeats the
 * previous output at a masked step anywhere in the sequence. Writing such a network would change
 * what it computes without a word, so the writers of those formats refuse it.
 */
public final class MaskingCompatibility {
    private MaskingCompatibility() {
    }

    /** Why {@code format} cannot hold the network's masking; empty for PyTorch's own convention. */
    public static Optional<String> refusal(RecurrentNetwork net, String format) {
        Masking m = net.config().options().masking();
        if (m.isPyTorchLike()) {
            return Optional.empty();
        }
        return Optional.of("the network has Keras masking (" + m + "), which " + format
                + " cannot express: a masked step would output zeros instead of repeating the previous output"
                + (m.maskValue() == null ? "" : ", and no step would be masked by its value"));
    }
}

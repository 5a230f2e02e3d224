package dev.rnnport.nn;

import java.util.List;

/**
 * What ONNX and Keras can say about a cell beyond PyTorch's parameters. PyTorch's own cells use
 * {@link #defaults(CellKind)}; anything else cannot be saved as a PyTorch state dict.
 *
 * @param forwardActivations ONNX order: LSTM f, g, h; GRU f, g; RNN f. f is the gate function
 *                           (sigmoid), g the candidate function, h the cell output function
 * @param reverseActivations the same for the reverse direction of a bidirectional network
 * @param clip               cell clip threshold applied to gate pre-activations; infinite when off
 * @param inputForget        LSTM: the forget gate is 1 - input gate
 * @param linearBeforeReset  GRU: the reset gate multiplies (W_hn h + b_hn), as PyTorch does; when
 *                           false it multiplies h before the matmul (ONNX's default, Keras reset_after=False)
 * @param reverseOnly        a unidirectional network whose one direction reads the sequence from its
 *                           end, as ONNX's {@code direction="reverse"}: outputs stay aligned with the
 *                           input steps, h_n is the state after step 0. PyTorch has no such module.
 *                           Its activations are the forward list (the only direction it has).
 * @param masking            what masked or padded steps output, and a Keras mask value if any;
 *                           PyTorch's and ONNX's convention is {@link Masking#ZEROS}
 */
public record CellOptions(List<Activation> forwardActivations, List<Activation> reverseActivations,
                          double clip, boolean inputForget, boolean linearBeforeReset, boolean reverseOnly,
                          Masking masking) {

    public static final double NO_CLIP = Double.POSITIVE_INFINITY;

    public CellOptions {
        forwardActivations = List.copyOf(forwardActivations);
        // The kernel picks the reverse list for a reversed pass; a reverse-only network has one list.
        reverseActivations = reverseOnly ? forwardActivations : List.copyOf(reverseActivations);
        if (!(clip > 0)) {
            throw new ConfigException("clip must be positive, found " + clip);
        }
        if (masking == null) {
            masking = Masking.ZEROS;
        }
    }

    /** Options with PyTorch's treatment of padded steps (zeros). */
    public CellOptions(List<Activation> forwardActivations, List<Activation> reverseActivations,
                       double clip, boolean inputForget, boolean linearBeforeReset, boolean reverseOnly) {
        this(forwardActivations, reverseActivations, clip, inputForget, linearBeforeReset, reverseOnly, Masking.ZEROS);
    }

    /** Options of a network that runs forwards (or both ways when bidirectional). */
    public CellOptions(List<Activation> forwardActivations, List<Activation> reverseActivations,
                       double clip, boolean inputForget, boolean linearBeforeReset) {
        this(forwardActivations, reverseActivations, clip, inputForget, linearBeforeReset, false);
    }

    public static CellOptions defaults(CellKind cell) {
        List<Activation> acts = defaultActivations(cell);
        return new CellOptions(acts, acts, NO_CLIP, false, true, false, Masking.ZEROS);
    }

    public static List<Activation> defaultActivations(CellKind cell) {
        return switch (cell) {
            case LSTM -> List.of(Activation.SIGMOID, Activation.TANH, Activation.TANH);
            case GRU -> List.of(Activation.SIGMOID, Activation.TANH);
            case RNN_TANH -> List.of(Activation.TANH);
            case RNN_RELU -> List.of(Activation.RELU);
        };
    }

    public List<Activation> activations(boolean reverse) {
        return reverse ? reverseActivations : forwardActivations;
    }

    public boolean hasClip() {
        return clip != NO_CLIP;
    }

    public CellOptions withActivations(List<Activation> forward, List<Activation> reverse) {
        return new CellOptions(forward, reverse, clip, inputForget, linearBeforeReset, reverseOnly, masking);
    }

    public CellOptions withClip(double c) {
        return new CellOptions(forwardActivations, reverseActivations, c, inputForget, linearBeforeReset, reverseOnly, masking);
    }

    public CellOptions withInputForget(boolean b) {
        return new CellOptions(forwardActivations, reverseActivations, clip, b, linearBeforeReset, reverseOnly, masking);
    }

    public CellOptions withLinearBeforeReset(boolean b) {
        return new CellOptions(forwardActivations, reverseActivations, clip, inputForget, b, reverseOnly, masking);
    }

    public CellOptions withReverseOnly(boolean b) {
        return new CellOptions(forwardActivations, reverseActivations, clip, inputForget, linearBeforeReset, b, masking);
    }

    public CellOptions withMasking(Masking m) {
        return new CellOptions(forwardActivations, reverseActivations, clip, inputForget, linearBeforeReset, reverseOnly, m);
    }
}

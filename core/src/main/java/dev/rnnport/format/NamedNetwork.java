package dev.rnnport.format;

import dev.rnnport.nn.RecurrentNetwork;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A network found in a file, with the name that selects it: the state-dict key prefix
 * ({@code encoder._module.}), the ONNX node name, the Keras layer name; empty when a file's
 * only network has no name of its own.
 *
 * <p>{@code notRecorded} says which of the network's settings the file did not record, so that
 * the reader filled in PyTorch's default: a bare state dict knows nothing of batch_first, dropout
 * or an nn.RNN's nonlinearity. The network holds a value for each (it must, to run), but a tool
 * that shows it ({@code inspect}) says "not recorded" instead of stating the default as fact.
 * A setting the user supplies ({@link LoadOptions}) counts as recorded from then on.
 *
 * @param notRecorded settings the file left unsaid; never NONLINEARITY for a cell other than nn.RNN
 */
public record NamedNetwork(String name, RecurrentNetwork network, Set<Setting> notRecorded) {

    /** The settings a file may leave unsaid. */
    public enum Setting {
        /** Whether input and output have the batch axis first. */
        BATCH_FIRST,
        /** nn.RNN's tanh or relu. */
        NONLINEARITY,
        /** The dropout between layers (training only). */
        DROPOUT;

        /** The name PyTorch's module gives it: batch_first, nonlinearity, dropout. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public NamedNetwork {
        EnumSet<Setting> s = EnumSet.noneOf(Setting.class);
        s.addAll(notRecorded);
        if (!network.config().cell().isRnn()) {
            s.remove(Setting.NONLINEARITY);
        }
        notRecorded = Set.copyOf(s);
    }

    /** A network whose file recorded every setting (ONNX, Keras). */
    public NamedNetwork(String name, RecurrentNetwork network) {
        this(name, network, Set.of());
    }

    /** @return whether the file (or the user) gave this setting */
    public boolean recorded(Setting s) {
        return !notRecorded.contains(s);
    }

    /** The same name and record for another network (the same one with the user's settings applied, say). */
    public NamedNetwork withNetwork(RecurrentNetwork other) {
        return new NamedNetwork(name, other, notRecorded);
    }

    /** The same, with {@code given} now known (from the file's metadata, or from the user). */
    public NamedNetwork withRecorded(Setting given) {
        EnumSet<Setting> s = EnumSet.allOf(Setting.class);
        s.retainAll(notRecorded);
        s.remove(given);
        return new NamedNetwork(name, network, s);
    }

    /** The same, with {@code unsaid} marked as not recorded. */
    public NamedNetwork withNotRecorded(Setting unsaid) {
        EnumSet<Setting> s = EnumSet.of(unsaid);
        s.addAll(notRecorded);
        return new NamedNetwork(name, network, s);
    }
}

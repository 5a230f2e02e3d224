package dev.rnnport.nn;

import java.util.regex.Pattern;

/** PyTorch's parameter names (weight_ih_l0_reverse ...), the names users see in errors and state dicts. */
public final class ParameterNames {
    private static final Pattern ANY = Pattern.compile("(weight|bias)_(ih|hh|hr)_l\\d+(_reverse)?$");

    private ParameterNames() {
    }

    /** True if {@code key} ends in a name nn.LSTM, nn.GRU or nn.RNN gives a parameter, whatever its prefix. */
    public static boolean isParameterName(String key) {
        return ANY.matcher(key).find();
    }

    public static String suffix(int layer, boolean reverse) {
        return "_l" + layer + (reverse ? "_reverse" : "");
    }

    public static String weightIh(int layer, boolean reverse) {
        return "weight_ih" + suffix(layer, reverse);
    }

    public static String weightHh(int layer, boolean reverse) {
        return "weight_hh" + suffix(layer, reverse);
    }

    public static String biasIh(int layer, boolean reverse) {
        return "bias_ih" + suffix(layer, reverse);
    }

    public static String biasHh(int layer, boolean reverse) {
        return "bias_hh" + suffix(layer, reverse);
    }

    public static String weightHr(int layer, boolean reverse) {
        return "weight_hr" + suffix(layer, reverse);
    }

    /** Not a PyTorch name: peepholes exist only in ONNX and TF; named in the same style. */
    public static String peephole(int layer, boolean reverse) {
        return "peephole" + suffix(layer, reverse);
    }

    public static String direction(int layer, boolean reverse) {
        return "layer " + layer + (reverse ? " reverse" : " forward");
    }
}

package dev.rnnport.format.torch;

import java.util.regex.Pattern;

/** The names nn.LSTM, nn.GRU and nn.RNN give their parameters, after any prefix. */
final class TorchParameters {
    private static final Pattern NAME = Pattern.compile("(weight|bias)_(ih|hh|hr)_l\\d+(_reverse)?$");

    private TorchParameters() {
    }

    static boolean isParameterName(String dottedName) {
        return NAME.matcher(dottedName).find();
    }
}

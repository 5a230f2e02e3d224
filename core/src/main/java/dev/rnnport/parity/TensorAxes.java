package dev.rnnport.parity;

import dev.rnnport.nn.NetworkConfig;

/**
 * Names an element of output, h_n or c_n in PyTorch's terms, so that a difference is reported where
 * a user looks for it: {@code batch 1, step 3, unit 12 (reverse 4)} rather than a flat index.
 * Output is (step, batch, unit), (batch, step, unit) when batch_first, or (step, unit) unbatched,
 * its units the directions side by side; h_n and c_n are (layer*directions, batch, unit).
 */
public final class TensorAxes {
    /** The name of an output that holds each direction's last step only, (batch, D*H). */
    public static final String LAST_STEP = "output (last step)";

    private final NetworkConfig config;
    private final boolean unbatched;

    public TensorAxes(NetworkConfig config, boolean unbatched) {
        this.config = config;
        this.unbatched = unbatched;
    }

    /** The axis names of {@code tensor} (output, h_n, c_n), as the table's header says them. */
    public String axes(String tensor) {
        if (tensor.equals(LAST_STEP)) {
            return "(batch, unit)";
        }
        if (tensor.equals("output")) {
            return unbatched ? "(step, unit)" : config.batchFirst() ? "(batch, step, unit)" : "(step, batch, unit)";
        }
        return unbatched ? "(layer*dir, unit)" : "(layer*dir, batch, unit)";
    }

    /** The element at {@code index} of {@code tensor}, in words. */
    public String describe(String tensor, int[] index) {
        if (index.length == 0) {
            return "-";
        }
        if (tensor.equals(LAST_STEP)) {
            return "batch " + index[0] + ", unit " + index[1] + directionOfUnit(index[1]);
        }
        if (tensor.equals("output")) {
            int unit = index[index.length - 1];
            String u = "unit " + unit + directionOfUnit(unit);
            if (unbatched) {
                return "step " + index[0] + ", " + u;
            }
            int step = config.batchFirst() ? index[1] : index[0];
            int batch = config.batchFirst() ? index[0] : index[1];
            return "batch " + batch + ", step " + step + ", " + u;
        }
        int state = index[0];
        String layer = "layer " + state / config.directions() + (config.bidirectional() ? (state % 2 == 1 ? " reverse" : " forward") : "");
        return unbatched ? layer + ", unit " + index[1] : layer + ", batch " + index[1] + ", unit " + index[2];
    }

    private String directionOfUnit(int unit) {
        if (!config.bidirectional()) {
            return "";
        }
        int width = config.outputSize();
        return unit < width ? " (forward " + unit + ")" : " (reverse " + (unit - width) + ")";
    }
}

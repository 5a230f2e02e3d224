package dev.rnnport.nn.fast;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.tensor.Tensor;

/**
 * One direction's weights in float32, packed for panels of {@code nr} columns. Gate blocks keep
 * PyTorch's order but each is padded to {@code hp}, a multiple of nr, so gate g of unit j sits in
 * column g*hp + j of every gate row and a panel never straddles two gates: the units of one panel
 * index are complete in every gate block, which lets a thread own a range of units outright.
 *
 * <p>For LSTM and for GRU with the reset gate after the product, W_hh is packed by unit blocks
 * instead ({@link #unitBlocks}): panel b holds, for every input k, gate 0 of units b*lanes ..
 * b*lanes+lanes-1, then gate 1 of the same units, and so on. One pass over a panel then yields
 * every gate of those units, so a step streams W_hh once and applies the gates while the sums are
 * still in registers ({@link Simd#lstmStep}, {@link Simd#gruStep}).
 *
 * <p>The input-side bias folds every bias that is simply added: b_ih + b_hh, except the GRU
 * candidate with the reset gate applied after the product (PyTorch's linear_before_reset), whose
 * b_hn is multiplied by r and so stays apart in {@link #recurrentBias}.
 */
final class PackedDirection {
    final int nr;
    final CellKind cell;
    final boolean linearBeforeReset;
    final int inputSize;
    final int hidden;
    final int out;
    /** hidden padded to a multiple of nr: the width of one gate block. */
    final int hp;
    /** out padded to a multiple of nr: the row stride of h. */
    final int op;
    final int gates;
    final PackedMatrix wIh;
    /** Gate-major panels like {@link #wIh}, or unit blocks when {@link #unitBlocks}. */
    final PackedMatrix wHh;
    /** Whether {@link #wHh} is packed by unit blocks of {@link #lanes} units for the fused step. */
    final boolean unitBlocks;
    /** Units per block of the fused step: nr / 4, one vector. */
    final int lanes;
    /** LSTM projection, null without. */
    final PackedMatrix wHr;
    /** Added to the input projection; gates*hp. */
    final float[] inputBias;
    /** GRU linear_before_reset: b_hn at the candidate block's columns, zeros elsewhere; null otherwise. */
    final float[] recurrentBias;
    /** LSTM peepholes i, f, o, each padded to hp; null without. */
    final float[] peephole;

    private PackedDirection(DirectionWeights w, NetworkConfig cfg, int nr) {
        this.nr = nr;
        this.cell = cfg.cell();
        this.linearBeforeReset = cfg.options().linearBeforeReset();
        this.inputSize = w.wIh().shape()[1];
        this.hidden = cfg.hiddenSize();
        this.out = cfg.outputSize();
        this.hp = roundUp(hidden, nr);
        this.op = roundUp(out, nr);
        this.gates = cell.gates();
        int[] gateColumns = new int[gates * hp];
        for (int col = 0; col < gateColumns.length; col++) {
            int j = col % hp;
            gateColumns[col] = j < hidden ? (col / hp) * hidden + j : -1;
        }
        wIh = PackedMatrix.pack(w.wIh().toFloatArray(), inputSize, gateColumns, nr);
        this.lanes = nr / 4;
        this.unitBlocks = cell == CellKind.LSTM || cell == CellKind.GRU && linearBeforeReset;
        if (unitBlocks) {
            int[] blockColumns = new int[gates * hp];
            for (int col = 0; col < blockColumns.length; col++) {
                int block = col / (gates * lanes);
                int g = col % (gates * lanes) / lanes;
                int j = block * lanes + col % lanes;
                blockColumns[col] = j < hidden ? g * hidden + j : -1;
            }
            wHh = PackedMatrix.pack(w.wHh().toFloatArray(), out, blockColumns, gates * lanes);
        } else {
            wHh = PackedMatrix.pack(w.wHh().toFloatArray(), out, gateColumns, nr);
        }
        if (w.wHr() != null) {
            int[] outColumns = new int[op];
            for (int col = 0; col < op; col++) {
                outColumns[col] = col < out ? col : -1;
            }
            wHr = PackedMatrix.pack(w.wHr().toFloatArray(), hidden, outColumns, nr);
        } else {
            wHr = null;
        }
        inputBias = new float[gates * hp];
        boolean separateHn = cell == CellKind.GRU && linearBeforeReset;
        recurrentBias = separateHn ? new float[gates * hp] : null;
        for (int col = 0; col < gateColumns.length; col++) {
            int row = gateColumns[col];
            if (row < 0) {
                continue;
            }
            double bi = value(w.bIh(), row);
            double bh = value(w.bHh(), row);
            if (separateHn && col / hp == 2) {
                inputBias[col] = (float) bi;
                recurrentBias[col] = (float) bh;
            } else {
                inputBias[col] = (float) ((float) bi + (float) bh);
            }
        }
        if (w.peephole() != null) {
            peephole = new float[3 * hp];
            for (int g = 0; g < 3; g++) {
                for (int j = 0; j < hidden; j++) {
                    peephole[g * hp + j] = (float) w.peephole().value(g * hidden + j);
                }
            }
        } else {
            peephole = null;
        }
    }

    static PackedDirection pack(DirectionWeights w, NetworkConfig cfg, int nr) {
        return new PackedDirection(w, cfg, nr);
    }

    /** Whether this packing was made for these settings (one weights object may serve several configs). */
    boolean fits(NetworkConfig cfg, int panelWidth) {
        return nr == panelWidth && cell == cfg.cell() && hidden == cfg.hiddenSize() && out == cfg.outputSize()
                && linearBeforeReset == cfg.options().linearBeforeReset();
    }

    /** Unit blocks of the fused step: hp / lanes. */
    int unitBlockCount() {
        return hp / lanes;
    }

    /** Panels per gate block. */
    int unitPanels() {
        return hp / nr;
    }

    private static double value(Tensor t, int i) {
        return t == null ? 0.0 : t.value(i);
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}

package dev.rnnport.nn.fast;

/**
 * A weight matrix packed for one matrix-vector product per time step: W (outputs × depth,
 * PyTorch's layout) transposed and cut into column panels, each panel holding, for every input k
 * in order, its columns side by side, so one pass over k streams the panel contiguously while its
 * columns stay in registers. Unlike {@link PackedMatrix}, whose panels all have one width (tuned
 * for many rows at once), a panel here is 8, 4, 2 or 1 vectors wide: with a single row the
 * product has nothing to reuse but the accumulators, so each block of columns takes the widest
 * panels that fit (8 vectors are 8 independent multiply-add chains, enough to hide their latency)
 * and padding never exceeds one vector per block.
 *
 * <p>Columns come in blocks (the gates, each {@code hp} wide, a multiple of the vector length);
 * no panel straddles two blocks, so a product can cover one gate's columns only, or only part of
 * the inputs (the GRU's candidate needs its input and recurrent parts apart).
 */
final class StepMatrix {
    static final int[] WIDTHS_IN_VECTORS = {8, 4, 2, 1};

    /** Inputs: the inner dimension. */
    final int depth;
    /** Per panel: its first column, its width in floats, where its weights start in {@link #data}. */
    final int[] column;
    final int[] width;
    final int[] offset;
    /** Floats of weights in {@link #data}, after {@link AlignedFloats#padding} unused ones. */
    final int weights;
    /** Per block, its first panel; {@code blockPanel[blocks]} is the panel count. */
    final int[] blockPanel;
    /** Panel p's weight of input k for its column q is {@code data[offset[p] + k * width[p] + q]}. */
    final float[] data;

    /** A function giving W's entry for an output row and an input k. */
    interface Entry {
        double at(int row, int k);
    }

    /**
     * @param blocks    column blocks, each {@code blockWidth} columns (a multiple of {@code lanes})
     * @param columnRow for each column, the row of W it holds, or -1 for padding (zero weights)
     */
    StepMatrix(int depth, int blocks, int blockWidth, int lanes, int[] columnRow, Entry w) {
        this.depth = depth;
        int[] col = new int[blocks * (blockWidth / lanes)];
        int[] wid = new int[col.length];
        int[] off = new int[col.length];
        blockPanel = new int[blocks + 1];
        int panels = 0;
        int floats = 0;
        for (int b = 0; b < blocks; b++) {
            blockPanel[b] = panels;
            int c = b * blockWidth;
            int end = c + blockWidth;
            for (int vectors : WIDTHS_IN_VECTORS) {
                int span = vectors * lanes;
                while (end - c >= span) {
                    col[panels] = c;
                    wid[panels] = span;
                    off[panels] = floats;
                    floats += span * depth;
                    c += span;
                    panels++;
                }
            }
        }
        blockPanel[blocks] = panels;
        column = java.util.Arrays.copyOf(col, panels);
        width = java.util.Arrays.copyOf(wid, panels);
        offset = java.util.Arrays.copyOf(off, panels);
        int padding = AlignedFloats.padding(floats);
        for (int p = 0; p < panels; p++) {
            offset[p] += padding;
        }
        data = new float[padding + floats];
        weights = floats;
        for (int p = 0; p < panels; p++) {
            for (int q = 0; q < width[p]; q++) {
                int row = columnRow[column[p] + q];
                if (row < 0) {
                    continue;
                }
                for (int k = 0; k < depth; k++) {
                    data[offset[p] + k * width[p] + q] = (float) w.at(row, k);
                }
            }
        }
    }

    /** Bytes of weights one full product reads. */
    long bytes() {
        return 4L * weights;
    }
}

package dev.rnnport.nn.fast;

/**
 * A weight matrix W (outputs x inputs, PyTorch's layout) transposed and cut into column panels of
 * {@code nr} output columns each, the form a register-tiled product streams: panel p holds, for
 * every input k in order, the nr weights of output columns p*nr .. p*nr+nr-1 side by side.
 * Output columns are reordered and padded by a column map so that every panel is full: a padded
 * column has zero weights.
 */
final class PackedMatrix {
    /** Inputs: the inner dimension of the product. */
    final int depth;
    /** Output columns after padding, a multiple of {@link #nr}. */
    final int columns;
    final int nr;
    /**
     * Panel p starts at start + p * depth * nr; within it, input k starts at k * nr. start is
     * {@link AlignedFloats#padding}: a large matrix begins on a cache line.
     */
    final float[] data;
    final int start;

    private PackedMatrix(int depth, int columns, int nr, float[] data, int start) {
        this.depth = depth;
        this.columns = columns;
        this.nr = nr;
        this.data = data;
        this.start = start;
    }

    /**
     * @param w         row-major (rows, depth) weights
     * @param columnRow for each packed column, the row of {@code w} it holds, or -1 for padding;
     *                  its length is a multiple of nr
     */
    static PackedMatrix pack(float[] w, int depth, int[] columnRow, int nr) {
        int columns = columnRow.length;
        int start = AlignedFloats.padding(columns * depth);
        float[] data = new float[start + columns * depth];
        for (int col = 0; col < columns; col++) {
            int row = columnRow[col];
            if (row < 0) {
                continue;
            }
            int base = start + (col / nr) * depth * nr + col % nr;
            for (int k = 0; k < depth; k++) {
                data[base + k * nr] = w[row * depth + k];
            }
        }
        return new PackedMatrix(depth, columns, nr, data, start);
    }

    int panels() {
        return columns / nr;
    }

    int panelOffset(int panel) {
        return start + panel * depth * nr;
    }
}

package dev.rnnport.nn.fast;

/**
 * The arithmetic of the fast kernel: a register-tiled product over column panels and the
 * element-wise gate updates, on float32 arrays. {@link VectorSimd} does it with the Vector API,
 * {@link ScalarSimd} in plain Java where that module is absent. Both compute every output element
 * of a product as init + sum over k in ascending order, one fused multiply-add (or multiply and
 * add) at a time, whatever the row blocking: so splitting rows or panels among threads never
 * changes a result.
 *
 * <p>Element-wise methods work on one batch row and on units [j0, j1), multiples of
 * {@link #lanes()}; a gate block of the row is {@code hp} wide (gate g of unit j at gOff + g*hp + j).
 */
interface Simd {
    /** Floats per vector; panels are {@link #panelWidth()} = 4 vectors wide. */
    int lanes();

    default int panelWidth() {
        return 4 * lanes();
    }

    /**
     * For rows r in [0, rows) and panels p in [p0, p1): c[r][q] = init[r][q] + sum_k a[r][k] * B[k][q],
     * where q runs over the panel's columns. Row r of a starts at aOff + r*lda; of init at
     * iOff + r*iStride (iStride 0 repeats one row, a bias; init null means zeros); of c at cOff + r*ldc.
     * Panel p's columns start (p - p0)*nr after those row starts. init and c may be the same array.
     */
    void gemm(float[] a, int aOff, int lda, int rows, PackedMatrix b, int p0, int p1,
              float[] init, int iOff, int iStride, float[] c, int cOff, int ldc);

    /**
     * One fused LSTM step for rows [0, rows) and unit blocks [b0, b1) of {@code w}, W_hh packed by
     * unit blocks of {@link #lanes()} units ({@link PackedDirection#unitBlocks}): the gates of row r
     * are xp[xOff + r*ldx + g*hp + j] + sum_k h[r*ldh + k] * W_hh[g][j][k] (k ascending, as in
     * {@link #gemm}), then c (row stride ldc, in place) and out (row stride ldo) take the new cell
     * state and output, as {@link #lstm} computes them. Rows whose valid[vOff + r] is false are left
     * alone (xp may be overwritten).
     */
    void lstmStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                  float[] c, int ldc, float[] peep, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn);

    /**
     * One fused GRU step, reset gate after the product, laid out as {@link #lstmStep}: r and z from
     * xp + h W^T, hn = bhn + h W_hn^T (bhn indexed like a gate row: candidate at 2*hp + j), then
     * h' = (1-z)*g(xn + r*hn) + z*h into out, as {@link #gruAfterProduct} computes it. hn (row stride
     * ldhn, hp wide) is scratch space an implementation may use.
     */
    void gruStep(float[] h, int ldh, int rows, PackedMatrix w, int b0, int b1, float[] xp, int xOff, int ldx, int hp,
                 float[] bhn, float[] hn, int ldhn, float[] out, int ldo, boolean[] valid, int vOff, GateFunctions fn);

    /** LSTM: gates i, f, g, o (pre-activations) to the new c (in place) and h. */
    void lstm(float[] g, int gOff, int hp, float[] c, int cOff, float[] peep, float[] h, int hOff,
              int j0, int j1, GateFunctions fn);

    /**
     * GRU, reset gate after the product: r = f(gr), z = f(gz), n = g(gn + r*hn), h = (1-z)*n + z*hPrev,
     * with hn = W_hn h + b_hn.
     */
    void gruAfterProduct(float[] g, int gOff, int hp, float[] hn, int hnOff, float[] hPrev, int pOff,
                         float[] h, int hOff, int j0, int j1, GateFunctions fn);

    /** GRU, reset gate before the product, first half: rh = f(gr) * hPrev; gz becomes f(gz) in place. */
    void gruResetHidden(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] rh, int rhOff,
                        int j0, int j1, GateFunctions fn);

    /** Second half: n = g(gn), h = (1-z)*n + z*hPrev with z as {@link #gruResetHidden} left it. */
    void gruCandidate(float[] g, int gOff, int hp, float[] hPrev, int pOff, float[] h, int hOff,
                      int j0, int j1, GateFunctions fn);

    /** Simple RNN: h = f(g). */
    void rnn(float[] g, int gOff, float[] h, int hOff, int j0, int j1, GateFunctions fn);
}

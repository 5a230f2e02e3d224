package dev.rnnport.nn.fast;

/**
 * The matrix-vector product of one time step over a {@link StepMatrix}: {@link VectorStepProduct}
 * with the Vector API, {@link ScalarStepProduct} in plain Java where that module is absent.
 */
interface StepProduct {
    /**
     * For the columns of panels [p0, p1): {@code out[col] = init[col] + sum over k in [k0, k1) of
     * v[k] * W[k][col]}, k ascending; init null means zeros. init and out may be the same array.
     * v is indexed by k itself, so a product over part of the inputs reads the same vector.
     * {@code descending}: the panels from p1 - 1 down to p0 (each column's sum is the same).
     */
    void product(float[] v, int k0, int k1, StepMatrix m, int p0, int p1, float[] init, float[] out, boolean descending);
}

package dev.rnnport.nn.fast;

import java.util.function.ToDoubleFunction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float array with 8 vector accumulators: a loop that does nothing but read, so its
 * speed is the read bandwidth of wherever the array sits. Loaded by name (see {@link ReadBandwidth}).
 */
final class VectorReadSum implements ToDoubleFunction<float[]> {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    @Override
    public double applyAsDouble(float[] a) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int i = 0;
        for (; i + 8 * L <= a.length; i += 8 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            s1 = s1.add(FloatVector.fromArray(S, a, i + L));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
            s4 = s4.add(FloatVector.fromArray(S, a, i + 4 * L));
            s5 = s5.add(FloatVector.fromArray(S, a, i + 5 * L));
            s6 = s6.add(FloatVector.fromArray(S, a, i + 6 * L));
            s7 = s7.add(FloatVector.fromArray(S, a, i + 7 * L));
        }
        double rest = 0;
        for (; i < a.length; i++) {
            rest += a[i];
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD) + rest;
    }
}

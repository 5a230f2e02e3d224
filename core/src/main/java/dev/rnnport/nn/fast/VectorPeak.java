package dev.rnnport.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float32 multiply-add peak for one thread as the Vector API reaches it: twelve
 * independent FMA chains, enough to hide the FMA latency on every current x86 core, and nothing
 * else in the loop. What the kernel's GFLOP/s are measured against.
 */
final class VectorPeak {
    private static final VectorSpecies<Float> S = VectorMath.S;

    private VectorPeak() {
    }

    /** GFLOP/s (an FMA counts two) over about {@code millis} ms, the best of several rounds. */
    static double gflops(long millis) {
        double best = 0;
        long end = System.nanoTime() + millis * 1_000_000;
        // Short rounds: the JIT compiles a method called often sooner than one long loop.
        long iterations = 1 << 12;
        float sink = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            sink += chains(iterations);
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * 12 * S.length() * iterations / seconds / 1e9);
        }
        return sink == 42.4242f ? -best : best;
    }

    private static float chains(long n) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f);
        FloatVector b = FloatVector.broadcast(S, 1e-6f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0.add(0.1f), c2 = c0.add(0.2f), c3 = c0.add(0.3f);
        FloatVector c4 = c0.add(0.4f), c5 = c0.add(0.5f), c6 = c0.add(0.6f), c7 = c0.add(0.7f);
        FloatVector c8 = c0.add(0.8f), c9 = c0.add(0.9f), c10 = c0.add(1.0f), c11 = c0.add(1.1f);
        for (long i = 0; i < n; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}

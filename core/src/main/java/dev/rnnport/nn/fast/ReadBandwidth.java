package dev.rnnport.nn.fast;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * How fast this thread reads memory, for stating the bound of a memory-bound kernel: a step of
 * a stream must read all its packed weights ({@link StepKernel#weightBytesPerStep()}), so that
 * many bytes divided by the read bandwidth at that size is the least time a step can take. Two
 * loops that only read are timed and the faster counts: a sum with 8 vector accumulators (Vector
 * API, when present) and Arrays.equals over two equal halves (a JIT intrinsic with wide loads).
 */
public final class ReadBandwidth {
    private ReadBandwidth() {
    }

    /**
     * Bytes per second reading an array of {@code bytes} bytes again and again for about
     * {@code millis} ms: the best of many passes (a pass repeats the array to at least 8 MB read), after a warm-up of 0.5 s.
     */
    public static double bytesPerSecond(long bytes, long millis) {
        int n = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(256, bytes / 4));
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i & 1023) / 1024f;
        }
        float[] lo = Arrays.copyOfRange(a, 0, n / 2);
        float[] hi = lo.clone();
        ToDoubleFunction<float[]> sum = vectorSum();
        long reps = Math.max(1, (8L << 20) / (4L * n));
        double best = 0;
        double sink = 0;
        // Until the JIT has compiled both loops they run far slower than memory: warm them up on a small array.
        float[] small = Arrays.copyOf(a, Math.min(n, 4096));
        float[] smallToo = small.clone();
        long warm = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warm) {
            sink += sum == null ? 0 : sum.applyAsDouble(small);
            sink += Arrays.equals(small, smallToo) ? 1 : 0;
        }
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            if (sum != null) {
                long t0 = System.nanoTime();
                for (long r = 0; r < reps; r++) {
                    sink += sum.applyAsDouble(a);
                }
                best = Math.max(best, reps * 4.0 * n / ((System.nanoTime() - t0) / 1e9));
            }
            long t0 = System.nanoTime();
            for (long r = 0; r < reps; r++) {
                sink += Arrays.equals(lo, hi) ? 1 : 0;
            }
            best = Math.max(best, reps * 8.0 * (n / 2) / ((System.nanoTime() - t0) / 1e9));
        }
        // Keeps the sums alive: a JIT that proved them unused could drop the loops.
        return Double.isNaN(sink) ? 0 : best;
    }

    @SuppressWarnings("unchecked")
    private static ToDoubleFunction<float[]> vectorSum() {
        if (!SimdSupport.vectorised()) {
            return null;
        }
        try {
            return (ToDoubleFunction<float[]>) Class.forName("dev.rnnport.nn.fast.VectorReadSum").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}

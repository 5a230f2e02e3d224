package dev.rnnport.nn.fast;

/**
 * Picks the arithmetic for this JVM: the Vector API when the {@code jdk.incubator.vector} module
 * was added at start-up ({@code --add-modules jdk.incubator.vector}), plain Java otherwise.
 * {@link VectorSimd} is loaded by name only after the module is found, so a JVM without it never
 * links a class that needs it.
 */
public final class SimdSupport {
    /** Lanes of the plain-Java path: only the padding of the panels depends on it. */
    static final int SCALAR_LANES = 8;
    private static final Simd BEST = pick();

    private SimdSupport() {
    }

    static Simd best() {
        return BEST;
    }

    static Simd scalar() {
        return new ScalarSimd(SCALAR_LANES);
    }

    /** Whether the Vector API is in use. */
    public static boolean vectorised() {
        return !(BEST instanceof ScalarSimd);
    }

    /** What the fast kernel computes with, for reports: "Vector API, 16 float lanes" or "scalar Java". */
    public static String describe() {
        return vectorised() ? "Vector API, " + BEST.lanes() + " float lanes" : "scalar Java (no jdk.incubator.vector)";
    }

    /**
     * The float32 multiply-add peak of one thread through the Vector API, in GFLOP/s, measured
     * for about {@code millis} ms; NaN without the Vector API.
     */
    public static double peakGflops(long millis) {
        if (!vectorised()) {
            return Double.NaN;
        }
        try {
            return (double) Class.forName("dev.rnnport.nn.fast.VectorPeak").getDeclaredMethod("gflops", long.class)
                    .invoke(null, millis);
        } catch (ReflectiveOperationException e) {
            return Double.NaN;
        }
    }

    private static Simd pick() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return scalar();
        }
        try {
            Simd s = (Simd) Class.forName("dev.rnnport.nn.fast.VectorSimd").getDeclaredConstructor().newInstance();
            // A species of fewer than 4 lanes would make panels too narrow to pay for the vector code.
            return s.lanes() >= 4 ? s : scalar();
        } catch (ReflectiveOperationException | LinkageError e) {
            return scalar();
        }
    }
}

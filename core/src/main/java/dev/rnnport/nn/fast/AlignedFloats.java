package dev.rnnport.nn.fast;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where to start the data in a large float array so that it begins on a 64-byte boundary (a cache
 * line, one 512-bit vector) for as long as the array lives. A vector load that straddles two cache
 * lines touches both: streaming a batch-1 step's weights misaligned by 16 bytes measured 6-8 %
 * slower at hidden 512 (BENCHMARKS.md), and JVM to JVM the alignment, hence the speed, varied.
 *
 * <p>Java neither says where an array lies nor keeps it there, but G1 allocates an array of at
 * least half a region (a "humongous" object) at the start of a region of its own and never moves
 * it, so its element i lies at a region boundary plus the array base offset plus 4i. Such an
 * array's data therefore start at a fixed element; for smaller arrays and other collectors the
 * alignment is unknown and the data start at 0. Results never depend on it: the same values are
 * read in the same order.
 */
final class AlignedFloats {
    private static final int LINE = 64;

    private AlignedFloats() {
    }

    /** Floats to leave before {@code n} floats of data in an array of padding + n floats. */
    static int padding(int n) {
        long bytes = 4L * (n + LINE / 4);
        if (bytes < 2 << 20) {
            return 0; // not worth the JVM query (30 ms): such arrays mostly stay in L2/L3 between steps
        }
        return Fixed.fromBytes > 0 && bytes >= Fixed.fromBytes ? Fixed.padding : 0;
    }

    /** Asked once, and only when a large array is made: the query loads the management classes. */
    private static final class Fixed {
        /** Size from which G1 keeps an array in place (half a region); 0 when G1 is not the collector. */
        static final long fromBytes = humongousBytes();
        /** Floats from the array's element 0 to the first one on a cache line, in a region-aligned array. */
        static final int padding = (LINE - baseOffset() % LINE) % LINE / 4;

        private static long humongousBytes() {
            try {
                HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                if (!Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
                    return 0;
                }
                return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue()) / 2;
            } catch (RuntimeException | LinkageError e) {
                return 0; // not HotSpot, or no management module: alignment unknown
            }
        }

        /** Bytes from an array's start to its element 0 (16 with compressed class pointers). */
        private static int baseOffset() {
            try {
                return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return 16;
            }
        }
    }
}

package dev.rnnport.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Shape arithmetic and the text form used in error messages: {@code [4, 3, 10]}. */
public final class Shapes {
    private Shapes() {
    }

    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + format(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static int offset(int[] shape, int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for shape " + format(shape));
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside " + format(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    public static String format(int... shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    public static String format(long... shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}

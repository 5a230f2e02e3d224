package dev.rnnport.format.onnx;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One ONNX weight made of runs of the network's own tensors, placed where ONNX's layout wants
 * them (gates reordered, directions stacked), encoded little-endian as float32 or float64 only
 * when written: the weight never exists as a whole array. Places no run covers are zeros.
 */
final class WeightBlocks implements StreamedModel.WeightSource {
    private static final int BUFFER = 1 << 16;

    private record Run(long at, Tensor tensor, int from, int count) {
    }

    private final DType encoding;
    private final long values;
    private final List<Run> runs = new ArrayList<>();

    /**
     * @param encoding F32 or F64
     * @param values   how many values the weight holds
     */
    WeightBlocks(DType encoding, long values) {
        this.encoding = encoding;
        this.values = values;
    }

    /** Values {@code from .. from+count} of {@code tensor} go to position {@code at} of the weight. */
    void place(long at, Tensor tensor, int from, int count) {
        if (at < 0 || at + count > values || from < 0 || from + count > tensor.size()) {
            throw new IllegalArgumentException("run of " + count + " values at " + at + " does not fit a weight of " + values);
        }
        runs.add(new Run(at, tensor, from, count));
    }

    @Override
    public long byteCount() {
        return values * encoding.bytes();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        List<Run> ordered = new ArrayList<>(runs);
        ordered.sort(Comparator.comparingLong(Run::at));
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        int perBuffer = BUFFER / encoding.bytes();
        long written = 0;
        for (Run r : ordered) {
            if (r.at() < written) {
                throw new IllegalStateException("runs overlap at value " + r.at());
            }
            written = zeros(out, buffer, r.at() - written, written);
            for (int done = 0; done < r.count(); ) {
                int n = Math.min(perBuffer, r.count() - done);
                buffer.clear();
                r.tensor().encode(r.from() + done, n, encoding, buffer);
                out.write(buffer.array(), 0, buffer.position());
                done += n;
            }
            written += r.count();
        }
        zeros(out, buffer, values - written, written);
    }

    private long zeros(OutputStream out, ByteBuffer buffer, long count, long written) throws IOException {
        if (count > 0) {
            java.util.Arrays.fill(buffer.array(), (byte) 0);
        }
        for (long left = count * encoding.bytes(); left > 0; ) {
            int n = (int) Math.min(left, BUFFER);
            out.write(buffer.array(), 0, n);
            left -= n;
        }
        return written + count;
    }
}

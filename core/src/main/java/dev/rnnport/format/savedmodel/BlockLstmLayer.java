package dev.rnnport.format.savedmodel;

import dev.rnnport.nn.NetworkConfig;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * One direction of a plain float32 LSTM layer as TensorFlow's fused {@code BlockLSTM} op (the op
 * by name: TF Java's {@code tf.nn.blockLSTM} builds {@code BlockLSTMV2} instead). BlockLSTM takes
 * one weight {@code [input + H, 4H]} (input rows first) and one bias, with gate blocks in the order
 * i, c, f, o, and adds {@code forget_bias} to f: the PyTorch blocks i, f, g, o are reordered in the
 * graph, the two biases summed, and forget_bias set to 0. No cell clip, no peepholes.
 */
final class BlockLstmLayer {
    private BlockLstmLayer() {
    }

    /** @return {output (L, N, H), h_n (N, H), c_n (N, H)} */
    static Output<?>[] build(GraphOps ops, NetworkConfig config, Output<?> wIh, Output<?> wHh, Output<?> bIh,
                             Output<?> bHh, boolean reversed, Output<?> x, Output<?> h0, Output<?> c0) {
        int hidden = config.hiddenSize();
        int[] order = new int[4 * hidden];
        int[] blocks = {0, 2, 1, 3}; // BlockLSTM's i, c, f, o taken from PyTorch's i, f, g, o
        for (int b = 0; b < 4; b++) {
            for (int j = 0; j < hidden; j++) {
                order[b * hidden + j] = blocks[b] * hidden + j;
            }
        }
        Output<?> rows = ops.ints(order);
        Output<?> weight = ops.transpose(ops.gather(ops.concat(1, wIh, wHh), rows, 0), 1, 0);
        Output<?> bias = bIh == null ? ops.values(new int[] {4 * hidden}, new double[4 * hidden], null)
                : ops.gather(ops.add(bIh, bHh), rows, 0);
        Output<?> zeros = ops.values(new int[] {hidden}, new double[hidden], null);
        Output<?> input = reversed ? ops.reverseTime(x) : x;
        Output<?> steps = ops.gather(ops.shape(input), ops.intScalar(0), 0);
        Output<?> stepsLong = ops.op("Cast", b -> b.setAttr("DstT", DataType.DT_INT64), steps);
        var block = ops.build("BlockLSTM", null, b -> b.setAttr("forget_bias", 0f).setAttr("cell_clip", -1f)
                .setAttr("use_peephole", false), stepsLong, input, c0, h0, weight, zeros, zeros, zeros, bias);
        Output<?> cs = block.output(1);
        Output<?> hs = block.output(6);
        Output<?> last = ops.sub(steps, ops.intScalar(1));
        Output<?> hN = ops.gather(hs, last, 0);
        Output<?> cN = ops.gather(cs, last, 0);
        return new Output<?>[] {reversed ? ops.reverseTime(hs) : hs, hN, cN};
    }
}

package dev.rnnport.spark.streaming;

import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What streaming must give for one key: its events sorted by time, cut into sessions wherever two
 * events are more than the state timeout apart, and each session run whole by the native engine's
 * forward (float32) from zero state.
 */
final class ForwardReference {
    /** The top layer's output at every event, in time order, and the final state of the last session. */
    record Expected(List<Event> events, List<float[]> outputs, float[] hN, float[] cN) {
    }

    private ForwardReference() {
    }

    static Expected of(RecurrentNetwork net, List<Event> keyEvents, long stateTimeoutMs) {
        List<Event> sorted = new ArrayList<>(keyEvents);
        sorted.sort(Comparator.comparingLong(Event::timeMs));
        List<float[]> outputs = new ArrayList<>();
        float[] hN = null, cN = null;
        int start = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i == sorted.size() || sorted.get(i).timeMs() - sorted.get(i - 1).timeMs() > stateTimeoutMs) {
                RunOutputs r = forward(net, sorted.subList(start, i));
                float[] y = r.output().toFloatArray();
                int out = y.length / (i - start);
                for (int t = 0; t < i - start; t++) {
                    outputs.add(java.util.Arrays.copyOfRange(y, t * out, (t + 1) * out));
                }
                hN = r.hN().toFloatArray();
                cN = r.cN() == null ? null : r.cN().toFloatArray();
                start = i;
            }
        }
        return new Expected(sorted, outputs, hN, cN);
    }

    private static RunOutputs forward(RecurrentNetwork net, List<Event> session) {
        int in = net.config().inputSize();
        float[] x = new float[session.size() * in];
        for (int t = 0; t < session.size(); t++) {
            System.arraycopy(session.get(t).features(), 0, x, t * in, in);
        }
        return net.forward(Tensor.ofFloats(new int[] {session.size(), 1, in}, x)); // (seq, batch 1, input_size)
    }
}

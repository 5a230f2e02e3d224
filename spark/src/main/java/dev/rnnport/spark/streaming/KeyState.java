package dev.rnnport.spark.streaming;

import java.io.Serializable;

/**
 * What the state store keeps for one key between micro-batches: the network's recurrent state after
 * the key's last processed event, and the events that arrived but wait for the watermark to pass
 * them. A plain Java bean so that Spark encodes it and it survives a restart from the checkpoint;
 * the network itself is never stored.
 *
 * <p>Public with a no-argument constructor and getters and setters only because Spark's bean
 * encoder requires them; not meant to be used outside this package.
 */
public class KeyState implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Hidden state, (num_layers, 1, H_out) row-major; null while zero. */
    private float[] h;
    /** LSTM cell state, (num_layers, 1, hidden_size) row-major; null while zero and for GRU and RNN. */
    private float[] c;
    /** Time of the last processed event, in microseconds since the epoch; meaningful once {@link #stepped}. */
    private long lastTimeMicros;
    private boolean stepped;
    /** Waiting events' times in microseconds, in arrival order. */
    private long[] pendingTimes = new long[0];
    /** Waiting events' features, input_size values per event, in the order of {@link #pendingTimes}. */
    private float[] pendingFeatures = new float[0];

    public float[] getH() {
        return h;
    }

    public void setH(float[] h) {
        this.h = h;
    }

    public float[] getC() {
        return c;
    }

    public void setC(float[] c) {
        this.c = c;
    }

    public long getLastTimeMicros() {
        return lastTimeMicros;
    }

    public void setLastTimeMicros(long lastTimeMicros) {
        this.lastTimeMicros = lastTimeMicros;
    }

    public boolean isStepped() {
        return stepped;
    }

    public void setStepped(boolean stepped) {
        this.stepped = stepped;
    }

    public long[] getPendingTimes() {
        return pendingTimes;
    }

    public void setPendingTimes(long[] pendingTimes) {
        this.pendingTimes = pendingTimes;
    }

    public float[] getPendingFeatures() {
        return pendingFeatures;
    }

    public void setPendingFeatures(float[] pendingFeatures) {
        this.pendingFeatures = pendingFeatures;
    }
}

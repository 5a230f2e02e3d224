package dev.rnnport.spark.streaming;

/** One test event: a key, its time in milliseconds since the epoch, one step's features. */
record Event(String key, long timeMs, float[] features) {
}

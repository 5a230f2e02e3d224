/**
 * The TensorFlow backend: runs a network as a TensorFlow graph through TF Java, and a SavedModel
 * directory as it is through its serving signature. TensorFlow is loaded only when one of these
 * runs; nothing else in rnnport touches it, apart from {@link dev.rnnport.format.savedmodel}, which
 * builds the graphs and writes and reads the SavedModel format.
 */
package dev.rnnport.backend.tensorflow;

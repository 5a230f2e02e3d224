/**
 * Keras files: {@code .h5} from Keras 1, Keras 2 and tf.keras (full models, and weights-only files
 * with their JSON config beside them) and Keras 3 {@code .keras} archives, read into the IR and
 * written back. Keras's gate orders, weight names and the differences between its eras are data, in
 * converters/keras.properties. HDF5 is read with jhdf and written by {@link
 * dev.rnnport.format.keras.Hdf5Writer}; a Keras stack of recurrent layers becomes one network.
 */
package dev.rnnport.format.keras;

/** Dense arrays with a shape, their binary encodings, and NumPy's .npy files. */
package dev.rnnport.tensor;

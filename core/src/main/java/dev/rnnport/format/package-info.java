/**
 * One package per file format, each a {@link dev.rnnport.format.FormatReader} and a
 * {@link dev.rnnport.format.FormatWriter} of {@link dev.rnnport.nn.RecurrentNetwork};
 * {@link dev.rnnport.format.ModelFormat} says which serves which file. Writers refuse what their
 * format cannot express, by name, before writing anything, and write atomically.
 */
package dev.rnnport.format;

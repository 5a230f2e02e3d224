/**
 * Parity you can trust: one network run by several engines and files, every result compared with
 * the native engine in float64 ({@link dev.rnnport.parity.Verifier}), a table or JSON of the
 * differences ({@link dev.rnnport.parity.ParityReport}), and for a difference the first layer,
 * direction and step where it appears and the conversion mistake that reproduces it
 * ({@code Diagnoser}, {@code Hypotheses}). {@link dev.rnnport.parity.FileRuntimes} says how each
 * format's files run as they are; {@link dev.rnnport.parity.ConversionCheck} proves a conversion.
 */
package dev.rnnport.parity;

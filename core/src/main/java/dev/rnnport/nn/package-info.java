/**
 * The intermediate representation and the native engine. {@link dev.rnnport.nn.RecurrentNetwork}
 * holds weights in PyTorch's layout and gate order whatever the source; options PyTorch lacks are
 * explicit ({@link dev.rnnport.nn.CellOptions}, peepholes). {@link dev.rnnport.nn.NativeEngine} runs
 * layers and directions; the cell maths sits behind {@link dev.rnnport.nn.DirectionKernel}.
 */
package dev.rnnport.nn;

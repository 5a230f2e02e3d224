/**
 * rnnport: recurrent networks (LSTM, GRU, RNN) moved between PyTorch, ONNX and Keras and run in
 * pure Java with PyTorch's semantics. Start at {@link dev.rnnport.Networks}. Data flows one way:
 * file, format reader, {@link dev.rnnport.nn.RecurrentNetwork}, then the native engine, a backend
 * or a format writer; there is no direct path from one format to another.
 */
package dev.rnnport;

/**
 * ONNX models: LSTM, GRU and RNN nodes with every attribute, torch.onnx.export stacks rebuilt as one
 * network, and the writer (chained nodes; a Loop of primitive operators for an LSTM with proj_size).
 * ONNX's gate orders and slot names are data, in converters/onnx.properties.
 */
package dev.rnnport.format.onnx;

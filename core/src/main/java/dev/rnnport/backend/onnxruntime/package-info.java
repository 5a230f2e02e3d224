/** ONNX Runtime as a backend; the only package that imports ai.onnxruntime. */
package dev.rnnport.backend.onnxruntime;

/** Engines that execute a network, compared on equal terms: inputs and outputs in PyTorch's shapes. */
package dev.rnnport.backend;

/** PyTorch state dicts (parameter names and shapes) to networks and back; shared by .pt and safetensors. */
package dev.rnnport.format.statedict;

/** The safetensors format, holding a PyTorch state dict, with our settings in __metadata__. */
package dev.rnnport.format.safetensors;

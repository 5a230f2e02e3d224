package dev.rnnport.nn;

import dev.rnnport.tensor.Tensor;

/**
 * The parameters of one direction of one layer, in PyTorch's layout and gate order
 * (LSTM i,f,g,o; GRU r,z,n), G gates of hidden size H, output size P (proj_size or H):
 *
 * @param wIh      weight_ih_l{k}: (G*H, input of the layer)
 * @param wHh      weight_hh_l{k}: (G*H, P)
 * @param bIh      bias_ih_l{k}: (G*H), null without bias
 * @param bHh      bias_hh_l{k}: (G*H), null without bias
 * @param wHr      weight_hr_l{k}: (P, H), null without projection
 * @param peephole LSTM peepholes (3*H) in the order i, f, o; null without (PyTorch has none)
 */
public record DirectionWeights(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor wHr, Tensor peephole) {

    public static DirectionWeights of(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        return new DirectionWeights(wIh, wHh, bIh, bHh, null, null);
    }
}

package dev.rnnport.backend.onnxruntime;

import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;

/**
 * Brings the outputs of an ONNX graph run as is into PyTorch's shapes, so that {@code run} writes the
 * same files on every backend and {@code verify} compares them with the native engine's element by element. A file written by rnnport or by torch.onnx.export
 * already gives output/h_n/c_n that way; a bare LSTM/GRU/RNN node gives Y as {@code [L, D, N, H]}
 * (layout=0), which becomes {@code (L, N, D*H)}, {@code (N, L, D*H)} when the network is
 * batch_first, or {@code (L, D*H)} unbatched. Y_h and Y_c {@code [D, N, H]} are already h_n and c_n
 * of a one-layer network.
 */
public final class NodeOutputs {
    private NodeOutputs() {
    }

    /** {@code raw} with a node's Y {@code [L, D, N, H]} mapped to PyTorch's output shape; other tensors as they are. */
    public static RunOutputs toPyTorchShapes(RunOutputs raw, NetworkConfig config) {
        return new RunOutputs(output(raw.output(), config), raw.hN(), raw.cN());
    }

    private static Tensor output(Tensor y, NetworkConfig config) {
        if (y == null || y.rank() != 4) {
            return y;
        }
        int steps = y.dim(0);
        int dirs = y.dim(1);
        int batch = y.dim(2);
        int width = y.dim(3);
        if (dirs != config.directions() || width != config.outputSize()) {
            return y;
        }
        double[] src = y.data();
        double[] dst = new double[src.length];
        boolean batchMajor = config.batchFirst();
        for (int t = 0; t < steps; t++) {
            for (int d = 0; d < dirs; d++) {
                for (int n = 0; n < batch; n++) {
                    int from = ((t * dirs + d) * batch + n) * width;
                    int row = batchMajor ? n * steps + t : t * batch + n;
                    System.arraycopy(src, from, dst, (row * dirs + d) * width, width);
                }
            }
        }
        int[] shape = batchMajor ? new int[] {batch, steps, dirs * width} : new int[] {steps, batch, dirs * width};
        return Tensor.of(y.dtype(), shape, dst);
    }
}

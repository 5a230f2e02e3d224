import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;

public class LoadRunSave {
    public static void main(String[] args) throws Exception {
        RecurrentNetwork net = Networks.load(Path.of("testmodels/demo/lstm.safetensors")); // format from the file
        Tensor input = Npy.read(Path.of("testmodels/demo/input.npy"));    // (batch, seq, 8): batch_first
        RunOutputs out = net.forward(input);                               // float32, inference
        System.out.println(net + ": output " + out.output().shapeString() + ", h_n " + out.hN().shapeString());
        Path onnx = Files.createTempDirectory("rnnport").resolve("lstm.onnx");
        Networks.save(net, onnx, ModelFormat.ONNX);                        // whole or not at all
        System.out.println("wrote " + onnx);
    }
}

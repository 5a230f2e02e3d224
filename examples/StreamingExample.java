import dev.rnnport.Networks;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RecurrentStream;
import dev.rnnport.tensor.Npy;
import java.nio.file.Path;
import java.util.Arrays;

public class StreamingExample {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of("testmodels/grid/lstm_l2");                        // a 2-layer nn.LSTM saved by PyTorch
        RecurrentNetwork net = Networks.load(dir.resolve("model.pt"));
        float[] frames = Npy.read(dir.resolve("input.npy")).toFloatArray();   // (seq, batch=3, 5), time-major
        float[] pytorch = Npy.read(dir.resolve("output.npy")).toFloatArray(); // PyTorch's output, whole sequence
        int batch = 3, frame = batch * net.config().inputSize();
        RecurrentStream stream = net.openStream(batch);                       // zero state; one per thread
        double worst = 0;
        for (int t = 0; t * frame < frames.length; t++) {
            float[] y = stream.step(Arrays.copyOfRange(frames, t * frame, (t + 1) * frame)); // (batch, hidden), reused
            for (int i = 0; i < y.length; i++) {
                worst = Math.max(worst, Math.abs(y[i] - pytorch[t * y.length + i]));
            }
        }
        System.out.printf("largest difference from PyTorch: %.1e; h_n has %d values%n", worst, stream.hN().length);
    }
}

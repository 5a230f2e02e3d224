package dev.rnnport.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A SavedModel written by TensorFlow itself, not by rnnport: serving_default maps x to tanh(x). */
public final class ForeignSavedModel {
    private ForeignSavedModel() {
    }

    public static Path write(Path folder) throws IOException {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var x = tf.withName("x").placeholder(TFloat32.class);
            var y = tf.withName("y").math.tanh(x);
            try (Session s = new Session(g)) {
                SavedModelBundle.exporter(folder.toString()).withSession(s).withSignature(Signature.builder()
                        .key("serving_default").input("x", (Operand<?>) x).output("y", (Operand<?>) y).build()).export();
            }
        }
        return folder;
    }
}

package dev.rnnport.format.savedmodel;

import dev.rnnport.ModelException;
import dev.rnnport.format.FormatReader;
import dev.rnnport.format.NamedNetwork;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.ParameterNames;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TString;

/**
 * Reads back a SavedModel that {@link SavedModelWriter} wrote: the settings from its
 * {@code rnnport/config} constant, the weights from its variables by name. A SavedModel without
 * that constant (one TensorFlow or Keras wrote) is refused in one line: its graph is not
 * translated back into a network, but {@code run --backend tensorflow} runs it as it is.
 */
public final class SavedModelReader implements FormatReader {
    @Override
    public List<NamedNetwork> read(Path folder) {
        try (SavedModelBundle bundle = load(folder)) {
            if (bundle.graph().operation(SavedModelWriter.CONFIG_OP) == null) {
                throw new ModelException(folder + ": a SavedModel without rnnport's " + SavedModelWriter.CONFIG_OP
                        + " (not written by rnnport): its weights cannot be read back; run it as it is with --backend tensorflow");
            }
            Session session = bundle.session();
            NetworkConfig config = SavedModelConfig.fromJson(string(session, SavedModelWriter.CONFIG_OP), folder.toString());
            String scope = SavedModelWriter.scope(config.cell());
            List<DirectionWeights> weights = new ArrayList<>();
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (int d = 0; d < config.directions(); d++) {
                    boolean rev = d == 1;
                    Tensor peephole = optional(bundle, session, scope + "/" + ParameterNames.peephole(layer, rev), folder);
                    weights.add(new DirectionWeights(
                            variable(bundle, session, scope + "/" + ParameterNames.weightIh(layer, rev), folder),
                            variable(bundle, session, scope + "/" + ParameterNames.weightHh(layer, rev), folder),
                            config.bias() ? variable(bundle, session, scope + "/" + ParameterNames.biasIh(layer, rev), folder) : null,
                            config.bias() ? variable(bundle, session, scope + "/" + ParameterNames.biasHh(layer, rev), folder) : null,
                            config.projSize() > 0 ? variable(bundle, session, scope + "/" + ParameterNames.weightHr(layer, rev), folder) : null,
                            peephole));
                }
            }
            return List.of(new NamedNetwork("", new RecurrentNetwork(config, weights)));
        } catch (TensorFlowException e) {
            throw new ModelException(folder + ": TensorFlow cannot read it (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** Loads with tag serve; a folder TensorFlow cannot load is reported in one line. */
    static SavedModelBundle load(Path folder) {
        try {
            return SavedModelBundle.load(folder.toString(), SavedModelBundle.DEFAULT_TAG);
        } catch (TensorFlowException e) {
            throw new ModelException(folder + ": not a SavedModel TensorFlow can load with tag 'serve' ("
                    + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String string(Session session, String op) {
        try (Result r = session.runner().fetch(op).run()) {
            return ((TString) r.get(0)).getObject();
        }
    }

    private static Tensor optional(SavedModelBundle bundle, Session session, String name, Path folder) {
        return bundle.graph().operation(name) == null ? null : variable(bundle, session, name, folder);
    }

    private static Tensor variable(SavedModelBundle bundle, Session session, String name, Path folder) {
        if (bundle.graph().operation(name) == null) {
            throw new ModelException(folder + ": variable " + name + " is missing");
        }
        try (Result r = session.runner().fetch(name).run()) {
            org.tensorflow.Tensor t = r.get(0);
            long[] dims = t.shape().asArray();
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = Math.toIntExact(dims[i]);
            }
            int size = Math.toIntExact(t.shape().size());
            if (t instanceof TFloat64 d) {
                double[] v = new double[size];
                d.copyTo(DataBuffers.of(v, false, false));
                return Tensor.of(DType.F64, shape, v);
            }
            if (t instanceof TFloat32 f) {
                float[] v = new float[size];
                f.copyTo(DataBuffers.of(v, false, false));
                return Tensor.ofFloats(shape, v);
            }
            throw new ModelException(folder + ": variable " + name + " has element type " + t.dataType()
                    + ", expected float32 or float64");
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "failed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package dev.rnnport.backend.tensorflow;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.SessionFunction;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;

/**
 * A SavedModel loaded with tag {@code serve} and run as it is through its {@code serving_default}
 * signature: the caller's tensors go to the signature's inputs by name, converted to their element
 * type, and come back unchanged in shape. Owns the loaded model until {@link #close()}.
 */
final class SavedModelRunner implements AutoCloseable {
    private static final String SIGNATURE = "serving_default";
    /** The signature of rnnport's SavedModels without h0/c0, which TF Java would otherwise insist on feeding. */
    private static final String INPUT_ONLY = "input_only";

    private final Path folder;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    /** rnnport's signature that takes only the input, or null when the model has none. */
    private final SessionFunction inputOnly;

    SavedModelRunner(Path folder, int threads) {
        this.folder = folder;
        try {
            this.bundle = SavedModelBundle.loader(folder.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(CompiledNetwork.sessionOptions(threads)).load();
        } catch (TensorFlowException e) {
            throw new ModelException(folder + ": not a SavedModel TensorFlow can load with tag 'serve' ("
                    + CompiledNetwork.firstLine(e.getMessage()) + ")", e);
        }
        SessionFunction f = null;
        try {
            f = bundle.function(SIGNATURE);
        } catch (IllegalArgumentException e) {
            // reported below with the signatures the model has
        }
        if (f == null) {
            List<String> keys = bundle.signatures().stream().map(Signature::key).toList();
            bundle.close();
            throw new ModelException(folder + ": no '" + SIGNATURE + "' signature (found: " + String.join(", ", keys) + ")");
        }
        this.function = f;
        this.inputOnly = bundle.signatures().stream().anyMatch(s -> s.key().equals(INPUT_ONLY)) ? bundle.function(INPUT_ONLY) : null;
    }

    /** The element type of the signature's first input, which decides what precision the model computes in. */
    Precision precision() {
        var first = function.signature().getInputs().values().iterator().next();
        return first.dataType == DataType.DT_DOUBLE ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    RunOutputs run(RunInputs inputs) {
        boolean onlyInput = inputs.h0() == null && inputs.c0() == null && inputs.lengths() == null;
        SessionFunction chosen = onlyInput && inputOnly != null ? inputOnly : function;
        Map<String, Signature.TensorDescription> wanted = chosen.signature().getInputs();
        Map<String, Tensor> given = new LinkedHashMap<>();
        given.put(inputName(wanted), inputs.input());
        putIfGiven(given, wanted, "h0", inputs.h0());
        putIfGiven(given, wanted, "c0", inputs.c0());
        putIfGiven(given, wanted, "lengths", inputs.lengths());
        zeroStates(given, wanted);
        List<org.tensorflow.Tensor> feeds = new ArrayList<>();
        try {
            Map<String, org.tensorflow.Tensor> feedMap = new LinkedHashMap<>();
            for (var e : given.entrySet()) {
                Signature.TensorDescription d = wanted.get(e.getKey());
                Precision p = d.dataType == DataType.DT_DOUBLE ? Precision.FLOAT64 : Precision.FLOAT32;
                if (d.dataType != DataType.DT_DOUBLE && d.dataType != DataType.DT_FLOAT) {
                    throw new ModelException(folder + ": signature input '" + e.getKey() + "' takes " + d.dataType
                            + ", rnnport feeds float32 or float64");
                }
                org.tensorflow.Tensor t = TfTensors.floating(p, e.getValue().shape(), e.getValue().data());
                feeds.add(t);
                feedMap.put(e.getKey(), t);
            }
            try (Result r = chosen.call(feedMap)) {
                List<String> names = new ArrayList<>(chosen.signature().outputNames());
                return new RunOutputs(output(r, names, "output", 0), output(r, names, "h_n", 1), output(r, names, "c_n", 2));
            }
        } catch (TensorFlowException e) {
            throw new ModelException(folder + ": TensorFlow failed to run it (" + CompiledNetwork.firstLine(e.getMessage()) + ")", e);
        } finally {
            feeds.forEach(org.tensorflow.Tensor::close);
        }
    }

    /**
     * TF Java feeds every input a signature lists: an initial state the caller left out while
     * giving the other is fed as zeros, its batch size taken from the state that was given.
     */
    private void zeroStates(Map<String, Tensor> given, Map<String, Signature.TensorDescription> wanted) {
        Tensor known = given.containsKey("h0") ? given.get("h0") : given.get("c0");
        if (known == null || known.rank() != 3) {
            return;
        }
        for (String state : new String[] {"h0", "c0"}) {
            Signature.TensorDescription d = wanted.get(state);
            if (d != null && !given.containsKey(state) && d.shape.numDimensions() == 3 && d.shape.size(0) > 0 && d.shape.size(2) > 0) {
                given.put(state, Tensor.zeros(dev.rnnport.tensor.DType.F64, (int) d.shape.size(0), known.dim(1), (int) d.shape.size(2)));
            }
        }
    }

    /** "input" when the signature has it, else its only input; anything else is ambiguous. */
    private String inputName(Map<String, Signature.TensorDescription> wanted) {
        if (wanted.containsKey("input")) {
            return "input";
        }
        if (wanted.size() == 1) {
            return wanted.keySet().iterator().next();
        }
        throw new ModelException(folder + ": cannot tell which signature input is the sequence (inputs: "
                + String.join(", ", wanted.keySet()) + "; expected one named 'input')");
    }

    private void putIfGiven(Map<String, Tensor> given, Map<String, Signature.TensorDescription> wanted, String name, Tensor t) {
        if (t == null) {
            return;
        }
        if (!wanted.containsKey(name)) {
            throw new UsageException(folder + ": " + name + " was given but the signature takes no '" + name
                    + "' (inputs: " + String.join(", ", wanted.keySet()) + ")");
        }
        given.put(name, t);
    }

    /** The output by name, else (for a model without our names) by position; null when absent. */
    private Tensor output(Result r, List<String> names, String name, int position) {
        boolean ours = names.contains("output");
        String key = ours ? name : position < names.size() ? names.get(position) : null;
        if (key == null || !names.contains(key)) {
            return null;
        }
        return r.get(key).map(t -> TfTensors.toTensor(t, folder + " output " + key)).orElse(null);
    }

    @Override
    public void close() {
        bundle.close();
    }
}

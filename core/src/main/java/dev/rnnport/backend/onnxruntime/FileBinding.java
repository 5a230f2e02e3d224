package dev.rnnport.backend.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.backend.onnxruntime.GraphFacts.Slot;
import dev.rnnport.backend.onnxruntime.OrtModel.Port;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@link RunInputs} to the inputs of an ONNX graph run as is, and its outputs back to
 * output, h_n and c_n. The graph keeps its own conventions: tensors are passed through unchanged,
 * in the shapes the graph declares.
 *
 * <p>Each graph input gets a role, decided in this order: the slot it fills when it feeds an
 * LSTM/GRU/RNN node directly (X, initial_h, initial_c, sequence_lens); its name (input, h0, c0,
 * lengths, as rnnport and most exports name them); else its position, the first floating input
 * being the sequence, the next ones the initial h and c, an integer input the lengths. A graph
 * input that none of these fits, or that is a recurrent node's weight, cannot be fed from
 * --input/--h0/--c0/--lengths and is refused with the list of the graph's inputs.
 *
 * <p>Outputs are found by name (output|Y, h_n|Y_h, c_n|Y_c), else as a recurrent node's
 * Y/Y_h/Y_c, else by position (first output, then h, then c).
 */
final class FileBinding {
    enum Role {
        SEQUENCE("the input sequence (--input)"),
        INITIAL_H("the initial hidden state (--h0)"),
        INITIAL_C("the initial cell state (--c0)"),
        LENGTHS("the sequence lengths (--lengths)");

        final String what;

        Role(String what) {
            this.what = what;
        }
    }

    private static final Map<String, Role> NAMES = Map.of(
            "input", Role.SEQUENCE, "x", Role.SEQUENCE,
            "h0", Role.INITIAL_H, "h_0", Role.INITIAL_H, "initial_h", Role.INITIAL_H,
            "c0", Role.INITIAL_C, "c_0", Role.INITIAL_C, "initial_c", Role.INITIAL_C,
            "lengths", Role.LENGTHS, "sequence_lens", Role.LENGTHS);
    private static final List<Set<String>> OUTPUT_NAMES = List.of(
            Set.of("output", "y"), Set.of("h_n", "hn", "y_h"), Set.of("c_n", "cn", "y_c"));

    private final OrtModel model;
    private final Map<Role, Port> ports;
    private final List<String> outputs;

    private FileBinding(OrtModel model, Map<Role, Port> ports, List<String> outputs) {
        this.model = model;
        this.ports = ports;
        this.outputs = outputs;
    }

    static FileBinding of(OrtModel model) {
        return new FileBinding(model, roles(model), outputNames(model));
    }

    /** The element type the graph computes in: the sequence input's. */
    OnnxJavaType elementType() {
        return ports.get(Role.SEQUENCE).type();
    }

    RunOutputs run(RunInputs in) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Port seq = ports.get(Role.SEQUENCE);
        feeds.put(seq.name(), in.input());
        feed(feeds, Role.INITIAL_H, in.h0(), in.input());
        feed(feeds, Role.INITIAL_C, in.c0(), in.input());
        feed(feeds, Role.LENGTHS, in.lengths(), in.input());
        Map<String, Tensor> results = model.run(feeds);
        return new RunOutputs(pick(results, 0), pick(results, 1), pick(results, 2));
    }

    private void feed(Map<String, Tensor> feeds, Role role, Tensor given, Tensor input) {
        Port port = ports.get(role);
        if (port == null) {
            if (given != null) {
                throw new UsageException(model.source() + ": " + role.what + " was given but the graph has no input for it"
                        + " (graph inputs: " + model.describeInputs() + ")");
            }
            return;
        }
        feeds.put(port.name(), given != null ? given : absent(role, port, input));
    }

    /** What an omitted optional input means: zero states, or every sequence at full length. */
    private Tensor absent(Role role, Port port, Tensor input) {
        Port seq = ports.get(Role.SEQUENCE);
        if (role == Role.LENGTHS) {
            // Only a direct X input (time-major, layout=0) says which axis is time.
            if (model.facts().slotOf(seq.name()) == Slot.X && input.rank() == 3) {
                double[] full = new double[input.dim(1)];
                Arrays.fill(full, input.dim(0));
                return Tensor.of(DType.I64, new int[] {input.dim(1)}, full);
            }
            throw new UsageException(model.source() + ": graph input " + port + " takes " + role.what + "; give --lengths");
        }
        long[] declared = port.shape();
        int[] shape = new int[declared.length];
        for (int i = 0; i < declared.length; i++) {
            shape[i] = declared[i] >= 0 ? (int) declared[i] : sameNamedDim(port.dimNames()[i], seq, input);
            if (shape[i] < 0) {
                throw new UsageException(model.source() + ": graph input " + port + " takes " + role.what
                        + " and its shape is not fixed by the graph or the input; give it with --"
                        + (role == Role.INITIAL_H ? "h0" : "c0"));
            }
        }
        return Tensor.zeros(port.type() == OnnxJavaType.DOUBLE ? DType.F64 : port.type() == OnnxJavaType.FLOAT16 ? DType.F16 : DType.F32, shape);
    }

    /** The size of the input's axis that carries the same symbolic dimension name, or -1. */
    private static int sameNamedDim(String name, Port seq, Tensor input) {
        if (name == null || name.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < seq.dimNames().length && i < input.rank(); i++) {
            if (name.equals(seq.dimNames()[i])) {
                return input.dim(i);
            }
        }
        return -1;
    }

    private Tensor pick(Map<String, Tensor> results, int index) {
        return index < outputs.size() && outputs.get(index) != null ? results.get(outputs.get(index)) : null;
    }

    private static Map<Role, Port> roles(OrtModel model) {
        Map<Role, Port> roles = new EnumMap<>(Role.class);
        List<Port> open = new ArrayList<>();
        List<String> weights = new ArrayList<>();
        for (Port p : model.inputs()) {
            Slot slot = model.facts().slotOf(p.name());
            Role role = slot == null ? null : switch (slot) {
                case X -> Role.SEQUENCE;
                case INITIAL_H -> Role.INITIAL_H;
                case INITIAL_C -> Role.INITIAL_C;
                case SEQUENCE_LENS -> Role.LENGTHS;
                default -> null;
            };
            if (slot != null && slot.isWeight()) {
                weights.add(p.name().equals(slot.name()) ? p.name() : p.name() + " (as " + slot + ")");
            } else if (role != null && !roles.containsKey(role)) {
                roles.put(role, p);
            } else {
                open.add(p);
            }
        }
        if (!weights.isEmpty()) {
            throw new ModelException(model.source() + ": graph inputs " + String.join(", ", weights)
                    + " are weights of a recurrent node, which --input/--h0/--c0/--lengths cannot feed (graph inputs: "
                    + model.describeInputs() + ")");
        }
        for (var it = open.iterator(); it.hasNext(); ) {
            Port p = it.next();
            Role role = NAMES.get(p.name().toLowerCase(Locale.ROOT));
            if (role != null && !roles.containsKey(role)) {
                roles.put(role, p);
                it.remove();
            }
        }
        for (Port p : open) {
            boolean integer = p.type() == OnnxJavaType.INT32 || p.type() == OnnxJavaType.INT64;
            Role role = integer ? (roles.containsKey(Role.LENGTHS) ? null : Role.LENGTHS) : nextFloatRole(roles);
            if (role == null) {
                throw new ModelException(model.source() + ": graph input " + p + " is none of the input sequence,"
                        + " initial h, initial c or lengths, so it cannot be fed from --input/--h0/--c0/--lengths (graph inputs: "
                        + model.describeInputs() + ")");
            }
            roles.put(role, p);
        }
        Port seq = roles.get(Role.SEQUENCE);
        if (seq == null) {
            throw new ModelException(model.source() + ": no graph input takes the input sequence (graph inputs: "
                    + (model.inputs().isEmpty() ? "none" : model.describeInputs()) + ")");
        }
        if (seq.type() != OnnxJavaType.FLOAT && seq.type() != OnnxJavaType.DOUBLE && seq.type() != OnnxJavaType.FLOAT16) {
            throw new ModelException(model.source() + ": the input sequence " + seq + " is not float, double or float16");
        }
        return roles;
    }

    private static Role nextFloatRole(Map<Role, Port> roles) {
        for (Role r : List.of(Role.SEQUENCE, Role.INITIAL_H, Role.INITIAL_C)) {
            if (!roles.containsKey(r)) {
                return r;
            }
        }
        return null;
    }

    /** Graph output names for output, h_n, c_n (null where the graph has none). */
    private static List<String> outputNames(OrtModel model) {
        List<Port> outs = model.outputs();
        String[] picked = new String[3];
        boolean found = false;
        for (int k = 0; k < 3; k++) {
            for (Port p : outs) {
                if (OUTPUT_NAMES.get(k).contains(p.name().toLowerCase(Locale.ROOT))) {
                    picked[k] = p.name();
                    found = true;
                    break;
                }
            }
        }
        if (!found) {
            for (Port p : outs) {
                int slot = model.facts().outputSlotOf(p.name());
                if (slot >= 0 && picked[slot] == null) {
                    picked[slot] = p.name();
                    found = true;
                }
            }
        }
        if (!found) {
            if (outs.size() > 3) {
                throw new ModelException(model.source() + ": the graph has " + outs.size() + " outputs ("
                        + String.join(", ", outs.stream().map(Port::toString).toList())
                        + ") and none is named output/h_n/c_n; cannot tell which is which");
            }
            for (int k = 0; k < outs.size(); k++) {
                picked[k] = outs.get(k).name();
            }
        }
        return Arrays.asList(picked);
    }
}

package dev.rnnport.backend.onnxruntime;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rnnport.ModelException;
import dev.rnnport.format.onnx.proto.Onnx.AttributeProto;
import dev.rnnport.format.onnx.proto.Onnx.GraphProto;
import dev.rnnport.format.onnx.proto.Onnx.ModelProto;
import dev.rnnport.format.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ONNX Runtime's session metadata does not say about a graph and a file run as is needs:
 * which graph inputs feed an LSTM/GRU/RNN node directly, and in which slot (so X, initial_h,
 * initial_c and sequence_lens are found whatever their names, and weights that are graph inputs
 * are recognised), which values are a recurrent node's Y (0), Y_h (1) or Y_c (2), and which
 * recurrent nodes use {@code layout=1}, which ONNX Runtime refuses.
 */
record GraphFacts(Map<String, Slot> recurrentSlots, Map<String, Integer> recurrentOutputs, List<String> batchwiseNodes) {

    /** The inputs of ONNX's LSTM, GRU and RNN operators, by position. */
    enum Slot {
        X, W, R, B, SEQUENCE_LENS, INITIAL_H, INITIAL_C, P;

        boolean isWeight() {
            return this == W || this == R || this == B || this == P;
        }
    }

    private static final Set<String> RECURRENT_OPS = Set.of("LSTM", "GRU", "RNN");

    static GraphFacts of(byte[] model, String file) {
        GraphProto graph;
        try {
            graph = ModelProto.parseFrom(model).getGraph();
        } catch (InvalidProtocolBufferException e) {
            // In the reader's words (OnnxFiles): protobuf's own message is about its parser, not the file.
            throw new ModelException(file + ": not a valid ONNX model (" + (String.valueOf(e.getMessage()).contains("ended unexpectedly")
                    ? "truncated: a field runs past the end of its " + model.length + " bytes" : "corrupt protobuf") + ")", e);
        }
        Map<String, Slot> slots = new HashMap<>();
        Map<String, Integer> outputs = new HashMap<>();
        List<String> batchwise = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (!RECURRENT_OPS.contains(node.getOpType()) || !(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
                continue;
            }
            for (int i = 0; i < node.getInputCount() && i < Slot.values().length; i++) {
                String name = node.getInput(i);
                if (!name.isEmpty()) {
                    slots.putIfAbsent(name, Slot.values()[i]);
                }
            }
            for (int i = 0; i < node.getOutputCount() && i < 3; i++) {
                if (!node.getOutput(i).isEmpty()) {
                    outputs.put(node.getOutput(i), i);
                }
            }
            for (AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals("layout") && a.getI() == 1) {
                    batchwise.add(node.getOpType() + " node '" + node.getName() + "'");
                }
            }
        }
        return new GraphFacts(Map.copyOf(slots), Map.copyOf(outputs), List.copyOf(batchwise));
    }

    /** The slot {@code input} fills in a recurrent node it feeds directly, or null. */
    Slot slotOf(String input) {
        return recurrentSlots.get(input);
    }

    /** 0, 1 or 2 when {@code value} is a recurrent node's Y, Y_h or Y_c; -1 otherwise. */
    int outputSlotOf(String value) {
        return recurrentOutputs.getOrDefault(value, -1);
    }
}

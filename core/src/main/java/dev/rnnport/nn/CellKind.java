package dev.rnnport.nn;

/** The recurrent cell, named as PyTorch's RNN modes are. */
public enum CellKind {
    LSTM(4, "LSTM"),
    GRU(3, "GRU"),
    RNN_TANH(1, "RNN"),
    RNN_RELU(1, "RNN");

    private final int gates;
    private final String moduleName;

    CellKind(int gates, String moduleName) {
        this.gates = gates;
        this.moduleName = moduleName;
    }

    /** Gate blocks stacked in the weight matrices: 4 for LSTM, 3 for GRU, 1 for a simple RNN. */
    public int gates() {
        return gates;
    }

    /** nn.LSTM, nn.GRU or nn.RNN in PyTorch; the ONNX op type too. */
    public String moduleName() {
        return moduleName;
    }

    public boolean isRnn() {
        return this == RNN_TANH || this == RNN_RELU;
    }

    /** How many activation functions one direction has in ONNX's activations list. */
    public int activationCount() {
        return switch (this) {
            case LSTM -> 3;
            case GRU -> 2;
            default -> 1;
        };
    }
}

package dev.rnnport.parity;

import java.util.List;

/**
 * One run of a parity check against the reference.
 *
 * @param label     what ran: "native float32", "onnxruntime", "onnxruntime (file as is)", ...
 * @param status    pass, fail, unsupported (the run refused these inputs or this network) or
 *                  unavailable (its engine cannot be created here)
 * @param note      the reason for unsupported/unavailable/fail-to-run, or a remark on how it ran; may be null
 * @param tensors   output, h_n and (LSTM) c_n against the reference; empty when it did not run
 * @param diagnosis where a failing run first differs and the likely cause; null otherwise
 */
public record ParityRow(String label, Status status, String note, List<TensorDifference> tensors, Diagnosis diagnosis) {

    public enum Status {
        PASS, FAIL, UNSUPPORTED, UNAVAILABLE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ParityRow {
        tensors = List.copyOf(tensors);
    }

    public ParityRow withDiagnosis(Diagnosis d) {
        return new ParityRow(label, status, note, tensors, d);
    }
}

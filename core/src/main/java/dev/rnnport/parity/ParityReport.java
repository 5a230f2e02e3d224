package dev.rnnport.parity;

import dev.rnnport.parity.ParityRow.Status;
import dev.rnnport.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a parity check: one row per run with, per tensor, the largest absolute and
 * relative errors against the reference, the worst element and pass/fail; a diagnosis for each
 * failing run. Renders as the table {@code rnnport verify} prints and as JSON ({@code --json}).
 *
 * @param subject   the file (or conversion) verified
 * @param network   the network as read
 * @param inputs    what the runs were fed
 * @param reference the run everything is compared with
 */
public record ParityReport(String subject, String network, String inputs, String reference, Tolerance tolerance,
                           List<ParityRow> rows) {

    public ParityReport {
        rows = List.copyOf(rows);
    }

    /** No run failed. Unsupported and unavailable runs do not fail the check, and do not count as agreeing. */
    public boolean passed() {
        return rows.stream().noneMatch(r -> r.status() == Status.FAIL);
    }

    public long count(Status status) {
        return rows.stream().filter(r -> r.status() == status).count();
    }

    /** The table, the diagnoses and a one-line verdict. */
    public String toTable() {
        StringBuilder s = new StringBuilder();
        s.append(subject).append(": ").append(network).append('\n');
        s.append("inputs: ").append(inputs).append('\n');
        s.append("reference: ").append(reference).append("; pass when |x - ref| <= atol + rtol*|ref| (")
                .append(tolerance).append(")\n\n");
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"run", "tensor", "shape", "max abs", "max rel", "worst at", "result"});
        List<String> spanning = new ArrayList<>();
        for (ParityRow r : rows) {
            if (r.tensors().isEmpty()) {
                lines.add(new String[] {r.label(), null, null, null, null, null, null});
                spanning.add(r.status().word() + ": " + r.note());
                continue;
            }
            boolean first = true;
            for (TensorDifference t : r.tensors()) {
                lines.add(new String[] {first ? r.label() : "", t.tensor(), t.shapeString(),
                        t.problem() == null ? number(t.maxAbs()) : "-", t.problem() == null ? number(t.maxRel()) : "-",
                        t.problem() == null ? t.where() : t.problem(), !t.passed() ? "FAIL" : t.problem() == null ? "pass" : "-"});
                first = false;
            }
        }
        int[] width = new int[7];
        for (String[] l : lines) {
            for (int i = 0; i < 7; i++) {
                if (l[i] != null && !(i == 5 && l[i].length() > 48)) {
                    width[i] = Math.max(width[i], l[i].length());
                }
            }
        }
        int span = 0;
        for (String[] l : lines) {
            if (l[1] == null) {
                s.append(pad(l[0], width[0])).append("  ").append(spanning.get(span++)).append('\n');
                continue;
            }
            for (int i = 0; i < 7; i++) {
                s.append(i == 6 ? l[i] : pad(l[i], width[i]) + "  ");
            }
            s.append('\n');
        }
        for (ParityRow r : rows) {
            if (r.note() != null && !r.tensors().isEmpty()) {
                s.append("\n").append(r.label()).append(": ").append(r.note());
            }
        }
        s.append('\n').append(verdict()).append('\n');
        for (ParityRow r : rows) {
            if (r.diagnosis() != null) {
                s.append("  ").append(r.label()).append(": ").append(r.diagnosis().summary()).append('\n');
            }
        }
        return s.toString();
    }

    private String verdict() {
        long pass = count(Status.PASS);
        long fail = count(Status.FAIL);
        String others = others();
        if (fail == 0) {
            return "PASS: " + pass + " run" + (pass == 1 ? "" : "s") + " agree" + (pass == 1 ? "s" : "") + " with " + reference
                    + " (" + tolerance + ")" + others;
        }
        return "FAIL: " + fail + " of " + (pass + fail) + " runs differ from " + reference + " (" + tolerance + ")" + others;
    }

    private String others() {
        List<String> parts = new ArrayList<>();
        if (count(Status.UNSUPPORTED) > 0) {
            parts.add(count(Status.UNSUPPORTED) + " unsupported");
        }
        if (count(Status.UNAVAILABLE) > 0) {
            parts.add(count(Status.UNAVAILABLE) + " unavailable");
        }
        return parts.isEmpty() ? "" : "; not compared: " + String.join(", ", parts);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return "inf";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.1e", v);
    }

    /** The same content as JSON; non-finite numbers are null. */
    public String toJson() {
        StringBuilder s = new StringBuilder("{");
        s.append("\"subject\": ").append(Json.quote(subject));
        s.append(", \"network\": ").append(Json.quote(network));
        s.append(", \"inputs\": ").append(Json.quote(inputs));
        s.append(", \"reference\": ").append(Json.quote(reference));
        s.append(", \"atol\": ").append(json(tolerance.atol())).append(", \"rtol\": ").append(json(tolerance.rtol()));
        s.append(", \"passed\": ").append(passed());
        s.append(", \"runs\": [");
        for (int i = 0; i < rows.size(); i++) {
            ParityRow r = rows.get(i);
            s.append(i > 0 ? ", " : "").append("{\"run\": ").append(Json.quote(r.label()));
            s.append(", \"status\": ").append(Json.quote(r.status().word()));
            s.append(", \"note\": ").append(r.note() == null ? "null" : Json.quote(r.note()));
            s.append(", \"tensors\": [");
            for (int k = 0; k < r.tensors().size(); k++) {
                TensorDifference t = r.tensors().get(k);
                s.append(k > 0 ? ", " : "").append("{\"tensor\": ").append(Json.quote(t.tensor()));
                s.append(", \"shape\": ").append(ints(t.shape()));
                s.append(", \"max_abs\": ").append(json(t.maxAbs())).append(", \"max_rel\": ").append(json(t.maxRel()));
                s.append(", \"worst_index\": ").append(ints(t.worst()));
                s.append(", \"worst_at\": ").append(Json.quote(t.where()));
                s.append(", \"passed\": ").append(t.passed());
                s.append(", \"problem\": ").append(t.problem() == null ? "null" : Json.quote(t.problem())).append('}');
            }
            s.append(']');
            Diagnosis d = r.diagnosis();
            s.append(", \"diagnosis\": ");
            if (d == null) {
                s.append("null");
            } else {
                s.append("{\"where\": ").append(Json.quote(d.where())).append(", \"cause\": ")
                        .append(d.cause() == null ? "null" : Json.quote(d.cause())).append(", \"cause_max_abs\": ")
                        .append(json(d.causeError())).append(", \"tried\": ").append(d.tried())
                        .append(", \"summary\": ").append(Json.quote(d.summary())).append('}');
            }
            s.append('}');
        }
        return s.append("]}").toString();
    }

    private static String json(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String ints(int[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? ", " : "").append(v[i]);
        }
        return s.append(']').toString();
    }
}

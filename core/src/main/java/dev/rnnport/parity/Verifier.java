package dev.rnnport.parity;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.parity.ParityRow.Status;
import dev.rnnport.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a reference and every contender on the same inputs and compares each contender's output,
 * h_n and c_n with the reference's, element by element, under one {@link Tolerance}. A contender
 * that cannot run shows why (unsupported, unavailable) and is never counted as agreeing. A failing
 * contender is diagnosed (see {@link Diagnoser}) against {@code network}, our reading of the model.
 */
public final class Verifier {
    private final RecurrentNetwork network;
    private final Tolerance tolerance;

    /**
     * @param network   our reading of the model, from which one-layer and mistaken networks are built
     * @param tolerance when two values count as equal
     */
    public Verifier(RecurrentNetwork network, Tolerance tolerance) {
        this.network = network;
        this.tolerance = tolerance;
    }

    /**
     * Runs {@code reference} and every contender on {@code inputs} and compares them. The reference
     * must run: what it throws (an input that does not fit the network) is thrown.
     *
     * @param subject what is verified, for the report's first line
     */
    public ParityReport check(String subject, ParityInputs inputs, Contender reference, List<Contender> contenders) {
        Attempt base = attempt(reference, inputs);
        if (base.refusal != null) {
            throw new ModelException(reference.label() + " cannot run the inputs: " + base.refusal);
        }
        if (base.inputs != inputs.inputs()) {
            // The reference (a file run as is) cannot take everything random inputs offer; all run on what it takes.
            inputs = new ParityInputs(base.inputs, inputs.description() + " (" + base.note.substring(0, base.note.indexOf(':'))
                    + " for " + reference.label() + ")", true);
        }
        RunOutputs refOut = base.outputs;
        List<ParityRow> rows = new ArrayList<>();
        for (Contender c : contenders) {
            if (c.unavailableReason() != null) {
                rows.add(new ParityRow(c.label(), Status.UNAVAILABLE, c.unavailableReason(), List.of(), null));
                continue;
            }
            Attempt a = attempt(c, inputs);
            if (a.refusal != null) {
                rows.add(new ParityRow(c.label(), a.crashed ? Status.FAIL : Status.UNSUPPORTED,
                        (a.crashed ? "error: " : "") + a.refusal, List.of(), null));
                continue;
            }
            RunInputs used = a.inputs;
            RunOutputs got = a.outputs;
            RunOutputs ref = used == inputs.inputs() ? refOut : reference.run(used);
            String note = a.note;
            List<TensorDifference> diffs = compare(ref, got, used);
            boolean pass = diffs.stream().allMatch(TensorDifference::passed);
            ParityRow row = new ParityRow(c.label(), pass ? Status.PASS : Status.FAIL, note, diffs, null);
            if (!pass) {
                row = row.withDiagnosis(new Diagnoser(network, used, tolerance).diagnose(ref, got, c.engine()));
            }
            rows.add(row);
        }
        return new ParityReport(subject, network.toString(), inputs.description(), reference.label(), tolerance, rows);
    }

    /** What a contender gave, on which inputs; or why it gave nothing. */
    private record Attempt(RunInputs inputs, RunOutputs outputs, String note, String refusal, boolean crashed) {
    }

    /**
     * Runs {@code c} on the inputs. Random inputs include lengths and initial states for the engines
     * that take them; an engine (a file's graph) that refuses them runs without, and the note says so.
     * The user's own inputs are never changed: a refusal of those is "unsupported".
     */
    private static Attempt attempt(Contender c, ParityInputs inputs) {
        RunInputs full = inputs.inputs();
        List<RunInputs> variants = new ArrayList<>(List.of(full));
        List<String> what = new ArrayList<>(List.of(""));
        if (inputs.generated()) {
            boolean states = full.h0() != null || full.c0() != null;
            if (full.lengths() != null) {
                variants.add(full.withLengths(null));
                what.add("without lengths");
            }
            if (states) {
                variants.add(full.withH0(null).withC0(null));
                what.add("with zero initial states");
            }
            if (states && full.lengths() != null) {
                variants.add(full.withLengths(null).withH0(null).withC0(null));
                what.add("without lengths and with zero initial states");
            }
        }
        String firstRefusal = null;
        String lastRefusal = null;
        for (int i = 0; i < variants.size(); i++) {
            try {
                RunOutputs out = c.run(variants.get(i));
                return new Attempt(variants.get(i), out, i == 0 ? null : "ran " + what.get(i) + ": " + firstRefusal, null, false);
            } catch (UsageException | ModelException | UnsupportedOperationException refused) {
                lastRefusal = reason(refused);
                if (firstRefusal == null) {
                    firstRefusal = lastRefusal;
                }
            } catch (RuntimeException crash) {
                return new Attempt(null, null, null, reason(crash), true);
            }
        }
        // Refused even the plainest inputs: that refusal is the one that matters.
        return new Attempt(null, null, null, lastRefusal, false);
    }

    private List<TensorDifference> compare(RunOutputs ref, RunOutputs got, RunInputs used) {
        TensorAxes axes = new TensorAxes(network.config(), used.input().rank() == 2);
        List<TensorDifference> diffs = new ArrayList<>();
        Tensor last = finalOutputs(ref, got);
        diffs.add(last != null ? TensorDifference.of(TensorAxes.LAST_STEP, last, got.output(), tolerance, axes)
                : TensorDifference.of("output", ref.output(), got.output(), tolerance, axes));
        diffs.add(state("h_n", ref.hN(), got.hN(), axes));
        if (ref.cN() != null || got.cN() != null) {
            diffs.add(state("c_n", ref.cN(), got.cN(), axes));
        }
        return diffs;
    }

    /** A final state the run does not give (a graph without Y_h, a recording without h_n.npy) is shown, not failed. */
    private TensorDifference state(String name, Tensor ref, Tensor got, TensorAxes axes) {
        return got == null && ref != null ? TensorDifference.absent(name, ref.shape())
                : TensorDifference.of(name, ref, got, tolerance, axes);
    }

    /**
     * When a run gives only each direction's last output, (batch, D*H), as a graph exported from
     * Keras with return_sequences=False does, the reference's counterpart: the last layer's final
     * states side by side (the forward direction's last valid step, the reverse one's step 0). Null otherwise.
     */
    private Tensor finalOutputs(RunOutputs ref, RunOutputs got) {
        Tensor y = got.output();
        Tensor r = ref.output();
        NetworkConfig c = network.config();
        if (y == null || r == null || y.rank() != 2 || r.rank() != 3 || ref.hN() == null) {
            return null;
        }
        int batch = c.batchFirst() ? r.dim(0) : r.dim(1);
        int width = c.directions() * c.outputSize();
        if (y.dim(0) != batch || y.dim(1) != width) {
            return null;
        }
        double[] h = ref.hN().data();
        double[] out = new double[batch * width];
        int firstState = (c.numLayers() - 1) * c.directions();
        for (int d = 0; d < c.directions(); d++) {
            for (int n = 0; n < batch; n++) {
                System.arraycopy(h, ((firstState + d) * batch + n) * c.outputSize(), out, n * width + d * c.outputSize(), c.outputSize());
            }
        }
        return Tensor.of(ref.hN().dtype(), new int[] {batch, width}, out);
    }

    /** Every tensor the reference has is present in {@code got}, of the same shape and within the tolerance. */
    static boolean agrees(RunOutputs ref, RunOutputs got, Tolerance tolerance) {
        return within(ref.output(), got.output(), tolerance) && within(ref.hN(), got.hN(), tolerance)
                && within(ref.cN(), got.cN(), tolerance);
    }

    private static boolean within(Tensor ref, Tensor got, Tolerance tol) {
        if (ref == null) {
            return true;
        }
        if (got == null || !java.util.Arrays.equals(ref.shape(), got.shape())) {
            return false;
        }
        for (int i = 0; i < ref.size(); i++) {
            if (!tol.allows(ref.data()[i], got.data()[i])) {
                return false;
            }
        }
        return true;
    }

    /** An engine's refusal in one line. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

package dev.rnnport.nn.fast;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionKernel;
import dev.rnnport.nn.DirectionPass;
import dev.rnnport.nn.FloatPass;
import dev.rnnport.nn.MaskedSteps;
import dev.rnnport.nn.NaiveKernel;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The fast float32 kernel. Per pass: the input is converted to float once, the input projection
 * of every step and gate is one blocked product (X W_ih^T + folded biases), then each step adds
 * h W_hh^T panel by panel and applies the gates right after, while the panel's results are still
 * in cache. Weights are packed once per weights object ({@link PackCache}). Every cell, option
 * and length of the reference kernel runs here; float64 passes go to {@link NaiveKernel}, which
 * stays the oracle.
 *
 * <p>Threads split a step by units (whole panels, every gate of a unit in one thread) and the
 * input projection by rows; each output element is computed the same way whichever thread
 * computes it, so results are identical for any thread count. Below {@link #PARALLEL_MIN_FLOPS}
 * per step a pass stays on the calling thread, where synchronising would cost more than it saves.
 * The two directions of a bidirectional layer run at once, one thread each, when there are two
 * threads or more ({@link #runAll}).
 */
public final class FastKernel implements DirectionKernel {
    /** Multiply-adds times two per step below which one thread is faster than a team. */
    static final long PARALLEL_MIN_FLOPS = 1L << 21;
    /**
     * Passes smaller than this (multiply-adds times two, all steps) run the plain-Java arithmetic
     * even where the Vector API is present. Larger passes get the vector code compiled by C2 within
     * the first runs (no vector crosses a method call, see VectorMath), but until then it runs in
     * the interpreter and C1 at some 30 ns per FLOP, where plain Java in C1 is near 1: a bidirectional
     * GRU of 4 MFLOP measured 139 ms a run on the vector path in a fresh JVM. Below this size plain
     * Java is the better bet for a short-lived process.
     */
    static final long VECTOR_MIN_FLOPS = 1L << 25;
    /** Input projections held at once (floats): 1 MB, a fair share of a core's L2. */
    static final int PROJECTION_CHUNK_FLOATS = 1 << 18;
    private static final DirectionKernel REFERENCE = new NaiveKernel();

    private final Simd simd;
    /** For passes below {@link #VECTOR_MIN_FLOPS}; the same as simd when it was chosen explicitly. */
    private final Simd smallSimd;
    private final WorkTeam team;
    /** Steps per chunk of input projection; 0: as many as fit in {@link #PROJECTION_CHUNK_FLOATS}. */
    private final int chunkSteps;

    /** One thread, the best arithmetic this JVM has. */
    public FastKernel() {
        this(1);
    }

    /** Up to {@code threads} threads (the caller's included) on large enough steps. */
    public FastKernel(int threads) {
        this(SimdSupport.best(), SimdSupport.scalar(), threads);
    }

    /** Always {@code simd}, whatever the size of the pass. */
    FastKernel(Simd simd, int threads) {
        this(simd, simd, threads);
    }

    private FastKernel(Simd simd, Simd smallSimd, int threads) {
        this(simd, smallSimd, WorkTeam.of(threads), 0);
    }

    private FastKernel(Simd simd, Simd smallSimd, WorkTeam team, int chunkSteps) {
        this.simd = simd;
        this.smallSimd = smallSimd;
        this.team = team;
        this.chunkSteps = chunkSteps;
    }

    /** The same kernel projecting the input {@code steps} steps at a time, so tests can cross chunk boundaries. */
    FastKernel withChunkSteps(int steps) {
        return new FastKernel(simd, smallSimd, team, steps);
    }

    public int threads() {
        return team.size();
    }

    /** The same kernel with another thread count. */
    public FastKernel withThreads(int threads) {
        return new FastKernel(simd, smallSimd, WorkTeam.of(threads), chunkSteps);
    }

    /** A pass in doubles: float64 on the reference kernel, float32 here by way of a {@link FloatPass}. */
    @Override
    public void run(DirectionPass p) {
        if (p.precision() != Precision.FLOAT32) {
            REFERENCE.run(p);
            return;
        }
        FloatPass f = inFloats(p);
        pass(f, false).run();
        backToDoubles(f, p);
    }

    @Override
    public void runAll(List<DirectionPass> passes) {
        if (passes.stream().anyMatch(p -> p.precision() != Precision.FLOAT32)) {
            DirectionKernel.super.runAll(passes);
            return;
        }
        List<FloatPass> floats = passes.stream().map(FastKernel::inFloats).toList();
        runFloats(floats);
        for (int i = 0; i < passes.size(); i++) {
            backToDoubles(floats.get(i), passes.get(i));
        }
    }

    /**
     * Float32 passes, independent of each other (the directions of one layer). Two of them with
     * two threads or more: one thread each, at once. Each pass then runs as it would alone on one
     * thread, and one thread gives the same bits as several.
     */
    public void runFloats(List<FloatPass> passes) {
        if (passes.size() != 2 || team.size() < 2) {
            for (FloatPass p : passes) {
                pass(p, false).run();
            }
            return;
        }
        Pass[] both = {pass(passes.get(0), true), pass(passes.get(1), true)};
        team.run(2, part -> both[part].run());
    }

    private static FloatPass inFloats(DirectionPass p) {
        int out = p.config().outputSize();
        return new FloatPass(p.config(), p.weights(), p.reverse(), p.steps(), p.batch(), p.inputSize(), p.valid(),
                FloatPass.floats(p.x()), FloatPass.floats(p.h()), FloatPass.floats(p.c()),
                new float[p.steps() * p.batch() * out], out, 0);
    }

    private static void backToDoubles(FloatPass f, DirectionPass p) {
        copy(f.y(), p.y());
        copy(f.h(), p.h());
        copy(f.c(), p.c());
    }

    private static void copy(float[] from, double[] to) {
        if (from != null) {
            for (int i = 0; i < from.length; i++) {
                to[i] = from[i];
            }
        }
    }

    /** Steps whose input projection is computed in one product: as many as fit in the chunk, at least one. */
    static int chunkSteps(int steps, int batch, int gatesTimesHidden) {
        long perStep = (long) batch * gatesTimesHidden;
        return (int) Math.max(1, Math.min(steps, PROJECTION_CHUNK_FLOATS / perStep));
    }

    private Pass pass(FloatPass p, boolean alone) {
        NetworkConfig cfg = p.config();
        long flops = 2L * p.steps() * p.batch() * cfg.cell().gates() * cfg.hiddenSize() * (p.inputSize() + cfg.outputSize());
        Simd s = flops < VECTOR_MIN_FLOPS ? smallSimd : simd;
        return new Pass(p, PackCache.get(p.weights(), cfg, s.panelWidth()), s, alone);
    }

    /** The buffers and phases of one pass; every array is allocated here, none per step. */
    private final class Pass {
        final Simd simd;
        final FloatPass p;
        final PackedDirection w;
        final GateFunctions fn;
        final int batch;
        final int steps;
        final int nr;
        final int hp;
        final int op;
        final int out;
        final int ghp;
        final int unitPanels;
        final boolean projected;
        final boolean gruResetFirst;
        final int parts;
        /** Input projections of the steps in the current chunk, in time order from {@link #chunkTime}. */
        final float[] xp;
        /** Steps per chunk of input projection, and the time of the chunk's first row in xp. */
        final int chunk;
        int chunkTime;
        final float[] c;
        final float[] hCell;
        /** GRU: W_hn h + b_hn (reset after the product) or r * h (reset before it). */
        final float[] scratch;
        /** Keras: a masked step repeats the previous output, zeros before the sequence's first valid step. */
        final boolean carry;
        /** Per sequence, the processing index of its first valid step (steps when it has none). */
        final int[] firstValid;
        float[] hPrev;
        float[] hNew;
        /** The step being computed: t in time order, s in processing order. */
        int t;
        int s;
        final IntConsumer cellPhase = this::cellPhase;
        final IntConsumer projectionPhase = this::projectionPhase;
        final IntConsumer candidatePhase = this::candidatePhase;

        /** Whether this pass has one thread to itself (another pass runs beside it on the team). */
        final boolean alone;

        Pass(FloatPass p, PackedDirection w, Simd simd, boolean alone) {
            this.simd = simd;
            this.alone = alone;
            this.p = p;
            this.w = w;
            this.fn = GateFunctions.of(p.config(), p.reverse());
            this.batch = p.batch();
            this.steps = p.steps();
            this.nr = w.nr;
            this.hp = w.hp;
            this.op = w.op;
            this.out = w.out;
            this.ghp = w.gates * hp;
            this.unitPanels = w.unitPanels();
            this.projected = w.wHr != null;
            this.gruResetFirst = w.cell == CellKind.GRU && !w.linearBeforeReset;
            long flops = 2L * batch * ghp * (w.out + (projected ? w.hidden : 0));
            int units = w.unitBlocks ? w.unitBlockCount() : unitPanels;
            this.parts = alone || flops < PARALLEL_MIN_FLOPS ? 1 : Math.min(team.size(), units);
            this.chunk = chunkSteps > 0 ? Math.min(chunkSteps, steps) : chunkSteps(steps, batch, ghp);
            this.xp = new float[chunk * batch * ghp];
            this.hPrev = new float[batch * op];
            this.hNew = new float[batch * op];
            this.c = w.cell == CellKind.LSTM ? new float[batch * hp] : null;
            this.hCell = projected ? new float[batch * hp] : null;
            this.scratch = w.cell == CellKind.GRU ? new float[batch * hp] : null;
            this.carry = p.config().options().masking().steps() == MaskedSteps.CARRY_OUTPUT;
            this.firstValid = new int[batch];
            java.util.Arrays.fill(firstValid, steps);
            for (int i = steps - 1; i >= 0; i--) {
                int time = p.reverse() ? steps - 1 - i : i;
                for (int n = 0; n < batch; n++) {
                    if (p.valid()[time * batch + n]) {
                        firstValid[n] = i;
                    }
                }
            }
        }

        void run() {
            float[] h0 = p.h();
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    hPrev[n * op + j] = h0[n * out + j];
                }
                if (c != null) {
                    for (int j = 0; j < w.hidden; j++) {
                        c[n * hp + j] = p.c()[n * w.hidden + j];
                    }
                }
            }
            for (s = 0; s < steps; s++) {
                t = p.reverse() ? steps - 1 - s : s;
                if (s % chunk == 0) {
                    inputProjection(Math.min(chunk, steps - s));
                }
                team.run(parts, cellPhase);
                if (projected) {
                    team.run(Math.min(parts, op / nr), projectionPhase);
                } else if (gruResetFirst) {
                    team.run(parts, candidatePhase);
                }
                float[] swap = hPrev;
                hPrev = hNew;
                hNew = swap;
            }
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    p.h()[n * out + j] = hPrev[n * op + j];
                }
                if (c != null) {
                    for (int j = 0; j < w.hidden; j++) {
                        p.c()[n * w.hidden + j] = c[n * hp + j];
                    }
                }
            }
        }

        /**
         * xp = X W_ih^T + bias for the next {@code n} steps in processing order (from step s), rows
         * split in blocks of 4 among the threads. By chunks rather than all steps at once: the
         * projections are still in cache when their steps read them, and a long sequence does not
         * need a buffer of steps x batch x gates x hidden.
         */
        void inputProjection(int n) {
            chunkTime = p.reverse() ? steps - s - n : s;
            int in = p.inputSize();
            int rows = n * batch;
            int from = chunkTime * batch * in;
            int panels = w.wIh.panels();
            long flops = 2L * rows * ghp * in;
            int threads = alone || flops < PARALLEL_MIN_FLOPS ? 1 : Math.min(team.size(), (rows + 3) / 4);
            int blocks = (rows + 3) / 4;
            team.run(threads, part -> {
                int r0 = Math.min(rows, blocks * part / threads * 4);
                int r1 = Math.min(rows, blocks * (part + 1) / threads * 4);
                simd.gemm(p.x(), from + r0 * in, in, r1 - r0, w.wIh, 0, panels, w.inputBias, 0, 0, xp, r0 * ghp, ghp);
            });
        }

        /** Where step t's input projections start in xp. */
        int projectionOffset() {
            return (t - chunkTime) * batch * ghp;
        }

        boolean valid(int n) {
            return p.valid()[t * batch + n];
        }

        /** Recurrent product and gates for this part's units; for most cells the whole step. */
        void cellPhase(int part) {
            if (w.unitBlocks) {
                fusedPhase(part);
                return;
            }
            int b0 = unitPanels * part / parts;
            int b1 = unitPanels * (part + 1) / parts;
            if (b0 == b1) {
                return;
            }
            int j0 = b0 * nr;
            int j1 = b1 * nr;
            int gOff = projectionOffset();
            int productGates = w.cell == CellKind.GRU ? 2 : w.gates;
            for (int g = 0; g < productGates; g++) {
                int q0 = g * unitPanels + b0;
                int at = gOff + q0 * nr;
                simd.gemm(hPrev, 0, op, batch, w.wHh, q0, q0 + b1 - b0, xp, at, ghp, xp, at, ghp);
            }
            if (w.cell == CellKind.GRU && w.linearBeforeReset) {
                int q0 = 2 * unitPanels + b0;
                simd.gemm(hPrev, 0, op, batch, w.wHh, q0, q0 + b1 - b0, w.recurrentBias, q0 * nr, 0, scratch, j0, hp);
            }
            for (int n = 0; n < batch; n++) {
                if (!valid(n)) {
                    continue;
                }
                int g = gOff + n * ghp;
                switch (w.cell) {
                    case LSTM -> simd.lstm(xp, g, hp, c, n * hp, w.peephole, projected ? hCell : hNew,
                            n * (projected ? hp : op), j0, j1, fn);
                    case GRU -> {
                        if (w.linearBeforeReset) {
                            simd.gruAfterProduct(xp, g, hp, scratch, n * hp, hPrev, n * op, hNew, n * op, j0, j1, fn);
                        } else {
                            simd.gruResetHidden(xp, g, hp, hPrev, n * op, scratch, n * hp, j0, j1, fn);
                        }
                    }
                    default -> simd.rnn(xp, g, hNew, n * op, j0, j1, fn);
                }
            }
            if (!projected && !gruResetFirst) {
                finish(j0, j1);
            }
        }

        /** LSTM, GRU with the reset gate after the product: product and gates in one pass per unit block. */
        void fusedPhase(int part) {
            int blocks = w.unitBlockCount();
            int b0 = blocks * part / parts;
            int b1 = blocks * (part + 1) / parts;
            if (b0 == b1) {
                return;
            }
            int gOff = projectionOffset();
            if (w.cell == CellKind.LSTM) {
                simd.lstmStep(hPrev, op, batch, w.wHh, b0, b1, xp, gOff, ghp, hp, c, hp, w.peephole,
                        projected ? hCell : hNew, projected ? hp : op, p.valid(), t * batch, fn);
            } else {
                simd.gruStep(hPrev, op, batch, w.wHh, b0, b1, xp, gOff, ghp, hp, w.recurrentBias, scratch, hp,
                        hNew, op, p.valid(), t * batch, fn);
            }
            if (!projected) {
                finish(b0 * w.lanes, b1 * w.lanes);
            }
        }

        /** GRU with the reset gate before the product: n = g(W_in x + b + W_hn (r*h)), then h. */
        void candidatePhase(int part) {
            int b0 = unitPanels * part / parts;
            int b1 = unitPanels * (part + 1) / parts;
            if (b0 == b1) {
                return;
            }
            int j0 = b0 * nr;
            int j1 = b1 * nr;
            int gOff = projectionOffset();
            int q0 = 2 * unitPanels + b0;
            int at = gOff + q0 * nr;
            simd.gemm(scratch, 0, hp, batch, w.wHh, q0, q0 + b1 - b0, xp, at, ghp, xp, at, ghp);
            for (int n = 0; n < batch; n++) {
                if (valid(n)) {
                    simd.gruCandidate(xp, gOff + n * ghp, hp, hPrev, n * op, hNew, n * op, j0, j1, fn);
                }
            }
            finish(j0, j1);
        }

        /** LSTM projection h = W_hr h_cell, split by output panels. */
        void projectionPhase(int part) {
            int panels = op / nr;
            int n = Math.min(parts, panels);
            int p0 = panels * part / n;
            int p1 = panels * (part + 1) / n;
            if (p0 == p1) {
                return;
            }
            simd.gemm(hCell, 0, hp, batch, w.wHr, p0, p1, null, 0, 0, hNew, p0 * nr, op);
            finish(p0 * nr, p1 * nr);
        }

        /**
         * Columns [j0, j1) of the step are final: a sequence at an invalid step keeps its state and
         * outputs zeros, or with Keras's convention its last output (its state h); the others' new
         * h goes to the output.
         */
        void finish(int j0, int j1) {
            int end = Math.min(j1, out);
            float[] y = p.y();
            for (int n = 0; n < batch; n++) {
                int yOff = (t * batch + n) * p.yStride() + p.yOffset();
                int h = n * op;
                if (!valid(n)) {
                    System.arraycopy(hPrev, h + j0, hNew, h + j0, j1 - j0);
                    boolean repeat = carry && s > firstValid[n];
                    for (int j = j0; j < end; j++) {
                        y[yOff + j] = repeat ? hNew[h + j] : 0f;
                    }
                    continue;
                }
                for (int j = j0; j < end; j++) {
                    y[yOff + j] = hNew[h + j];
                }
            }
        }
    }
}

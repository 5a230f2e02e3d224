package dev.rnnport.nn.fast;

import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.Tensor;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.IntConsumer;

/**
 * The fast float32 kernel for one time step of one sequence: what a stream runs. Per layer a step
 * is one matrix-vector product over [W_ih | W_hh] packed as a {@link StepMatrix} (every gate in
 * one pass over the weights, input and previous state read as one vector [x | h]), then the gate
 * update (each activation over a whole gate block at once, {@link StepActivation}; the rest plain
 * loops the JIT vectorises), then the projection W_hr for an LSTM with proj_size. Nothing of the whole-sequence path's set-up is paid per step:
 * the weights are packed once per network, every buffer lives in a {@link Workspace}, and a step
 * allocates nothing. A caller that has a sequence's inputs ahead (a whole sequence at batch 1)
 * takes their part of many steps as one blocked product ({@link #inputParts}) and then steps over
 * W_hh alone ({@link #stepFromInputPart}).
 *
 * <p>Biases fold as in {@link PackedDirection}: b_ih + b_hh, except the GRU candidate with the
 * reset gate after the product, whose b_hn is multiplied by r and so stays apart.
 *
 * <p>Results agree with the reference kernel within float32 rounding (sums are blocked
 * differently, and the Vector API's activations are polynomial approximations). Instances are
 * immutable and shared by every stream of a network; each stream has its own workspace.
 */
public final class StepKernel {
    private final StepProduct product;
    /** The batch kernel's arithmetic, for the input parts of many steps at once ({@link #inputParts}). */
    private final Simd simd;
    private final StepActivation act;
    private final Layer[] layers;
    private final CellKind cell;
    private final boolean linearBeforeReset;

    /**
     * Kernels by network, packed on a network's first stream and shared by its later ones. Keyed by
     * identity (a network does not define equality) and weakly, so a network no longer in use takes
     * its packing with it; a kernel holds no reference to its network.
     */
    private static final Map<RecurrentNetwork, StepKernel> KERNELS = new WeakHashMap<>();

    /** The network's kernel with the best arithmetic this JVM has (see {@link SimdSupport}), packed once. */
    public static StepKernel of(RecurrentNetwork net) {
        synchronized (KERNELS) {
            StepKernel k = KERNELS.get(net);
            if (k != null) {
                return k;
            }
        }
        StepKernel k = new StepKernel(net, !(SimdSupport.best() instanceof ScalarSimd));
        synchronized (KERNELS) {
            return KERNELS.computeIfAbsent(net, n -> k);
        }
    }

    /** @param vector the Vector API (which must be present) rather than plain Java */
    StepKernel(RecurrentNetwork net, boolean vector) {
        int lanes = vector ? SimdSupport.best().lanes() : SimdSupport.SCALAR_LANES;
        this.product = vector ? (StepProduct) vectorClass("VectorStepProduct") : new ScalarStepProduct();
        this.act = vector ? (StepActivation) vectorClass("VectorStepActivation") : new ScalarStepActivation();
        this.simd = vector ? SimdSupport.best() : SimdSupport.scalar();
        NetworkConfig cfg = net.config();
        this.cell = cfg.cell();
        this.linearBeforeReset = cfg.options().linearBeforeReset();
        this.layers = new Layer[cfg.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(cfg, l, net.weights(l, false), lanes, simd.panelWidth());
        }
    }

    /** Loaded by name, so that a JVM without jdk.incubator.vector never links it. */
    private static Object vectorClass(String name) {
        try {
            return Class.forName("dev.rnnport.nn.fast." + name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API class " + name + " cannot be loaded", e);
        }
    }

    /** Whether this kernel computes with the Vector API. */
    public boolean vectorised() {
        return !(product instanceof ScalarStepProduct);
    }

    /** Bytes of packed weights one step of the whole stack reads: the memory traffic a step cannot avoid. */
    public long weightBytesPerStep() {
        long b = 0;
        for (Layer l : layers) {
            b += l.w.bytes() + (l.wHr == null ? 0 : l.wHr.bytes());
        }
        return b;
    }

    /**
     * Products of at least this many weights (depth x columns) are split between two threads when
     * the workspace has them: 256 KB of float weights, where one step takes some 20 µs against the
     * microsecond or two the threads take to meet. Each thread then streams its half of the
     * weights, from its own core's cache once they fit there.
     */
    static final int SPLIT_MIN_WEIGHTS = 1 << 16;

    /** Scratch space for {@link #step}: one per stream, reused by every step and layer. */
    public static final class Workspace {
        /** Threads for the large products, or null for the calling thread only. */
        final WorkTeam team;
        /** The product being split, reused so that a step allocates nothing. */
        final SplitProduct split;
        /** [x | h] of the layer being stepped, padded so that vector code may read a whole hp-wide block of h. */
        final float[] v;
        /** GRU with the reset gate first: r ⊙ h at the positions of h in v. */
        final float[] rh;
        final float[] pre;
        final float[] hn;
        final float[] c;
        final float[] hCell;
        final float[] hOut;
        /**
         * Per layer, whether its next step reads the weight panels from last to first. Each step goes
         * the other way from the one before, so it starts with the panels the last one read last,
         * still in L2: at input 64, hidden 256 an LSTM's W_hh is 1 MB, as large as this machine's L2,
         * and a step in one fixed order would find none of it there.
         */
        final boolean[] descending;
        /** The order of the products of the step being computed. */
        boolean down;

        Workspace(Layer[] layers, StepProduct product, int threads) {
            this.descending = new boolean[layers.length];
            this.team = threads > 1 ? WorkTeam.of(2) : null;
            this.split = new SplitProduct(product);
            int vLen = 0;
            int gates = 0;
            int hp = 0;
            int op = 0;
            for (Layer l : layers) {
                vLen = Math.max(vLen, l.in + Math.max(l.hp, l.op));
                gates = Math.max(gates, l.gates * l.hp);
                hp = Math.max(hp, l.hp);
                op = Math.max(op, Math.max(l.op, l.hp));
            }
            v = new float[vLen];
            rh = new float[vLen];
            pre = new float[gates];
            hn = new float[gates];
            c = new float[hp];
            hCell = new float[hp];
            hOut = new float[op];
        }
    }

    /** A workspace with room for every layer of this kernel's network, for steps on the calling thread. */
    public Workspace newWorkspace() {
        return newWorkspace(1);
    }

    /**
     * A workspace whose steps may split their large products between two threads when
     * {@code threads} is 2 or more. Each output is computed as on one thread: the same bits.
     */
    public Workspace newWorkspace(int threads) {
        return new Workspace(layers, product, threads);
    }

    /** out = init + v[k0..k1) W over panels [p0, p1), on two threads when the workspace has them and W is large. */
    private void product(Workspace ws, float[] v, int k0, int k1, StepMatrix w, int p0, int p1, float[] init, float[] out) {
        if (ws.team == null || p1 - p0 < 2 || (long) (k1 - k0) * (w.column[p1 - 1] + w.width[p1 - 1] - w.column[p0])
                < SPLIT_MIN_WEIGHTS) {
            product.product(v, k0, k1, w, p0, p1, init, out, ws.down);
            return;
        }
        ws.split.set(v, k0, k1, w, p0, p1, init, out, ws.down);
        ws.team.run(2, ws.split);
    }

    /** One product cut in two at the panel that halves its columns; part 0 and part 1 each compute one side. */
    static final class SplitProduct implements IntConsumer {
        private final StepProduct product;
        private float[] v;
        private int k0;
        private int k1;
        private StepMatrix w;
        private int p0;
        private int mid;
        private int p1;
        private float[] init;
        private float[] out;
        private boolean descending;

        SplitProduct(StepProduct product) {
            this.product = product;
        }

        void set(float[] v, int k0, int k1, StepMatrix w, int p0, int p1, float[] init, float[] out, boolean descending) {
            this.descending = descending;
            this.v = v;
            this.k0 = k0;
            this.k1 = k1;
            this.w = w;
            this.p0 = p0;
            this.p1 = p1;
            this.init = init;
            this.out = out;
            int half = (w.column[p0] + w.column[p1 - 1] + w.width[p1 - 1]) / 2;
            int m = p0 + 1;
            while (m < p1 - 1 && w.column[m] + w.width[m] <= half) {
                m++;
            }
            this.mid = m;
        }

        @Override
        public void accept(int part) {
            product.product(v, k0, k1, w, part == 0 ? p0 : mid, part == 0 ? mid : p1, init, out, descending);
        }
    }

    /**
     * Advances one sequence of one layer by one step: reads the layer's input
     * {@code x[xOff..xOff+input)}, and reads and overwrites its state {@code h[hOff..hOff+H_out)}
     * and, for an LSTM, {@code c[cOff..cOff+hidden_size)}. Allocates nothing.
     */
    public void step(int layer, float[] x, int xOff, float[] h, int hOff, float[] c, int cOff, Workspace ws) {
        System.arraycopy(x, xOff, ws.v, 0, layers[layer].in);
        advance(layer, 0, layers[layer].inputBias, h, hOff, c, cOff, ws);
    }

    /** Floats per step in {@link #inputParts}: every gate's columns, padded to whole panels. */
    public int inputPartWidth(int layer) {
        return layers[layer].panelColumns.length;
    }

    /**
     * The input's part of {@code steps} steps of one sequence of one layer, for a caller that has
     * the layer's whole input sequence: step s's biases + x_s W_ih^T, every gate, at
     * {@code parts[s * inputPartWidth ..]}, from the inputs {@code x[xOff + s * input_size ..]}.
     * One blocked product over the steps (each weight loaded once for four of them), so that each
     * step then streams W_hh alone ({@link #stepFromInputPart}), as ONNX Runtime's sequence
     * kernels do: at input 64 and hidden 256, a fifth fewer bytes per step.
     */
    public void inputParts(int layer, float[] x, int xOff, int steps, float[] parts) {
        Layer l = layers[layer];
        PackedMatrix wIh = l.wIh();
        simd.gemm(x, xOff, l.in, steps, wIh, 0, wIh.panels(), l.inputBias, 0, 0, parts, 0, wIh.columns);
    }

    /**
     * {@link #step} from the input's part computed beforehand by {@link #inputParts}
     * ({@code parts[partsOff ..]}, one step's). Its sums are blocked differently from a stream
     * step's, so the results agree within float32 rounding rather than bit for bit.
     */
    public void stepFromInputPart(int layer, float[] parts, int partsOff, float[] h, int hOff, float[] c, int cOff,
                                  Workspace ws) {
        Layer l = layers[layer];
        System.arraycopy(parts, partsOff, ws.pre, 0, l.gates * l.hp);
        advance(layer, l.in, ws.pre, h, hOff, c, cOff, ws);
    }

    /**
     * The step with x in ws.v: every gate's product over v = [x | h] for k in [k0, depth) starting
     * from {@code init}, then the gate update. k0 is 0 (init: the biases) or input_size (init:
     * ws.pre, the input's part, where the GRU candidate's input part then is too).
     */
    private void advance(int layer, int k0, float[] init, float[] h, int hOff, float[] c, int cOff, Workspace ws) {
        Layer l = layers[layer];
        ws.down = ws.descending[layer];
        ws.descending[layer] = !ws.down;
        float[] v = ws.v;
        System.arraycopy(h, hOff, v, l.in, l.out);
        int depth = l.in + l.out;
        StepMatrix w = l.w;
        int[] blocks = w.blockPanel;
        switch (cell) {
            case LSTM -> {
                product(ws, v, k0, depth, w, 0, blocks[4], init, ws.pre);
                System.arraycopy(c, cOff, ws.c, 0, l.hidden);
                lstmGates(l, ws.pre, ws.c, l.wHr == null ? ws.hOut : ws.hCell, ws.hCell);
                System.arraycopy(ws.c, 0, c, cOff, l.hidden);
                if (l.wHr != null) {
                    product.product(ws.hCell, 0, l.hidden, l.wHr, 0, l.wHr.blockPanel[1], null, ws.hOut, ws.down);
                }
            }
            case GRU -> {
                // r and z: input and recurrent parts in one pass; the candidate's input part alone.
                float[] pre = ws.pre;
                int hp = l.hp;
                product(ws, v, k0, depth, w, 0, blocks[2], init, pre);
                if (k0 == 0) {
                    product.product(v, 0, l.in, w, blocks[2], blocks[3], l.inputBias, pre, ws.down);
                }
                act.apply(l.fn.f(), pre, 0, 2 * hp, l.fn.hasClip(), l.fn.clip());
                if (linearBeforeReset) {
                    float[] hn = ws.hn;
                    product(ws, v, l.in, depth, w, blocks[2], blocks[3], l.recurrentBias, hn);
                    for (int j = 0; j < hp; j++) {
                        pre[2 * hp + j] += pre[j] * hn[2 * hp + j];
                    }
                } else {
                    float[] rh = ws.rh;
                    for (int j = 0, k = l.in; j < hp; j++, k++) {
                        rh[k] = pre[j] * v[k];
                    }
                    product(ws, rh, l.in, depth, w, blocks[2], blocks[3], pre, pre);
                }
                act.apply(l.fn.g(), pre, 2 * hp, 3 * hp, l.fn.hasClip(), l.fn.clip());
                float[] hOut = ws.hOut;
                for (int j = 0, k = l.in; j < hp; j++, k++) {
                    float z = pre[hp + j];
                    hOut[j] = (1f - z) * pre[2 * hp + j] + z * v[k];
                }
            }
            default -> {
                product(ws, v, k0, depth, w, 0, blocks[1], init, ws.pre);
                act.apply(l.fn.f(), ws.pre, 0, l.hp, l.fn.hasClip(), l.fn.clip());
                System.arraycopy(ws.pre, 0, ws.hOut, 0, l.hp);
            }
        }
        System.arraycopy(ws.hOut, 0, h, hOff, l.out);
    }

    /**
     * LSTM gates from the pre-activations i, f, g, o (blocks of hp in {@code pre}, changed): the new
     * c in place, h = o * h(c) into {@code h}; {@code tmp} is scratch of hp.
     */
    private void lstmGates(Layer l, float[] pre, float[] c, float[] h, float[] tmp) {
        int hp = l.hp;
        GateFunctions fn = l.fn;
        float[] peep = l.peephole;
        if (peep != null) {
            for (int j = 0; j < hp; j++) {
                pre[j] += peep[j] * c[j];
                pre[hp + j] += peep[hp + j] * c[j];
            }
        }
        act.apply(fn.f(), pre, 0, hp, fn.hasClip(), fn.clip());
        if (fn.inputForget()) {
            for (int j = 0; j < hp; j++) {
                pre[hp + j] = 1f - pre[j];
            }
        } else {
            act.apply(fn.f(), pre, hp, 2 * hp, fn.hasClip(), fn.clip());
        }
        act.apply(fn.g(), pre, 2 * hp, 3 * hp, fn.hasClip(), fn.clip());
        for (int j = 0; j < hp; j++) {
            c[j] = pre[hp + j] * c[j] + pre[j] * pre[2 * hp + j];
        }
        if (peep != null) {
            for (int j = 0; j < hp; j++) {
                pre[3 * hp + j] += peep[2 * hp + j] * c[j];
            }
        }
        act.apply(fn.f(), pre, 3 * hp, 4 * hp, fn.hasClip(), fn.clip());
        System.arraycopy(c, 0, tmp, 0, hp);
        act.apply(fn.h(), tmp, 0, hp, false, 0f);
        for (int j = 0; j < hp; j++) {
            h[j] = pre[3 * hp + j] * tmp[j];
        }
    }

    /** One layer's forward direction, packed. */
    static final class Layer {
        final int in;
        final int hidden;
        final int out;
        final int gates;
        /** hidden padded to the vector length: the width of a gate block. */
        final int hp;
        /** out padded to the vector length. */
        final int op;
        final StepMatrix w;
        /**
         * W_ih alone, packed for the batch kernel's product over many steps (columns as in {@link #w},
         * then padding to whole panels): made on a network's first whole sequence, so that a network
         * that is only streamed does not hold its input weights twice.
         */
        private volatile PackedMatrix wIhPanels;
        private final Tensor wIhSource;
        private final int[] panelColumns;
        private final int panelWidth;
        final StepMatrix wHr;
        /** Per column of {@link #w}, then zeros up to whole panels of {@link #wIh()}. */
        final float[] inputBias;
        final float[] recurrentBias;
        final float[] peephole;
        final GateFunctions fn;

        Layer(NetworkConfig cfg, int layer, DirectionWeights dw, int lanes, int panelWidth) {
            this.in = cfg.layerInputSize(layer);
            this.hidden = cfg.hiddenSize();
            this.out = cfg.outputSize();
            this.gates = cfg.cell().gates();
            this.hp = PackedDirection.roundUp(hidden, lanes);
            this.op = PackedDirection.roundUp(out, lanes);
            this.fn = GateFunctions.of(cfg, false);
            int[] gateColumns = new int[gates * hp];
            for (int col = 0; col < gateColumns.length; col++) {
                int j = col % hp;
                gateColumns[col] = j < hidden ? (col / hp) * hidden + j : -1;
            }
            float[] wIh = dw.wIh().toFloatArray();
            float[] wHh = dw.wHh().toFloatArray();
            w = new StepMatrix(in + out, gates, hp, lanes, gateColumns,
                    (row, k) -> k < in ? wIh[row * in + k] : wHh[row * out + k - in]);
            this.wIhSource = dw.wIh();
            this.panelWidth = panelWidth;
            this.panelColumns = java.util.Arrays.copyOf(gateColumns, PackedDirection.roundUp(gateColumns.length, panelWidth));
            java.util.Arrays.fill(panelColumns, gateColumns.length, panelColumns.length, -1);
            if (dw.wHr() != null) {
                int[] outColumns = new int[op];
                for (int col = 0; col < op; col++) {
                    outColumns[col] = col < out ? col : -1;
                }
                float[] wHr = dw.wHr().toFloatArray();
                this.wHr = new StepMatrix(hidden, 1, op, lanes, outColumns, (row, k) -> wHr[row * hidden + k]);
            } else {
                this.wHr = null;
            }
            boolean separateHn = cfg.cell() == CellKind.GRU && cfg.options().linearBeforeReset();
            inputBias = new float[panelColumns.length];
            recurrentBias = separateHn ? new float[gates * hp] : null;
            for (int col = 0; col < gateColumns.length; col++) {
                int row = gateColumns[col];
                if (row < 0) {
                    continue;
                }
                double bi = value(dw.bIh(), row);
                double bh = value(dw.bHh(), row);
                if (separateHn && col / hp == 2) {
                    inputBias[col] = (float) bi;
                    recurrentBias[col] = (float) bh;
                } else {
                    inputBias[col] = (float) ((float) bi + (float) bh);
                }
            }
            if (dw.peephole() != null) {
                peephole = new float[3 * hp];
                for (int g = 0; g < 3; g++) {
                    for (int j = 0; j < hidden; j++) {
                        peephole[g * hp + j] = (float) dw.peephole().value(g * hidden + j);
                    }
                }
            } else {
                peephole = null;
            }
        }

        /** {@link #wIhPanels}, packed on first use; two threads asking at once get the same matrix. */
        PackedMatrix wIh() {
            PackedMatrix m = wIhPanels;
            if (m == null) {
                synchronized (this) {
                    m = wIhPanels;
                    if (m == null) {
                        m = PackedMatrix.pack(wIhSource.toFloatArray(), in, panelColumns, panelWidth);
                        wIhPanels = m;
                    }
                }
            }
            return m;
        }

        private static double value(Tensor t, int i) {
            return t == null ? 0.0 : t.value(i);
        }
    }
}

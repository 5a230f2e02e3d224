package dev.rnnport.cli;

import dev.rnnport.UsageException;
import dev.rnnport.backend.Backend;
import dev.rnnport.backend.Backends;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.nn.fast.SimdSupport;
import dev.rnnport.tensor.Tensor;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Times one network on several backends in this process, on the same input: warm-up runs first,
 * then timed runs, reported as median, fastest and slowest with GFLOP/s, and each backend's
 * largest difference from the first backend's output so that a fast wrong answer shows.
 */
@Command(name = "bench", description = "Time a network (MODEL, or a random one from --cell/--input-size/--hidden) on each backend"
        + " in one process: warm-up, then timed runs; median, spread and GFLOP/s.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "A model file; without it a random network.")
    Path modelFile;

    @Option(names = "--cell", defaultValue = "lstm", paramLabel = "lstm|gru|rnn_tanh|rnn_relu")
    String cell;

    @Option(names = "--input-size", defaultValue = "64", paramLabel = "N")
    int inputSize;

    @Option(names = "--hidden", defaultValue = "256", paramLabel = "N")
    int hidden;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "N")
    int layers;

    @Option(names = "--bidirectional")
    boolean bidirectional;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N")
    int batch;

    @Option(names = "--seq-len", defaultValue = "100", paramLabel = "L")
    int seqLen;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "T", description = "Threads of every backend (default 1).")
    int threads;

    @Option(names = "--backends", defaultValue = "native,onnxruntime", split = ",", paramLabel = "A,B")
    List<String> backends;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Untimed runs per backend first (at least).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S",
            description = "Keep warming up each backend for at least S seconds: the JIT needs seconds to settle,"
                    + " longer with two threads on two cores.")
    double warmupSeconds;

    @Option(names = "--iterations", defaultValue = "20", paramLabel = "N", description = "Timed runs per backend.")
    int iterations;

    @Option(names = "--peak", description = "Also measure this machine's float32 FMA peak for one thread (Vector API).")
    boolean peak;

    @Option(names = "--peak-gflops", paramLabel = "G", description = "The one-thread peak to show %% of peak against,"
            + " as --peak measured it earlier (bench/run-all.sh measures it once for the grid).")
    double peakGflopsGiven;

    @Option(names = "--stream", arity = "0..1", fallbackValue = "4000", paramLabel = "STEPS",
            description = "Time one step at a time instead (batch 1, one thread): the native stream against ONNX Runtime;"
                    + " STEPS timed steps per round (default 4000).")
    int streamSteps;

    @Mixin
    ModelArguments model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1 || seqLen < 1 || threads < 1 || warmup < 0 || iterations < 1 || !(warmupSeconds >= 0)) {
            throw new UsageException("--batch, --seq-len, --threads and --iterations must be at least 1, --warmup and"
                    + " --warmup-seconds at least 0");
        }
        RecurrentNetwork net = modelFile != null ? model.load(modelFile) : randomNetwork();
        if (streamSteps > 0) {
            return new StreamBench(net, streamSteps, spec.commandLine().getOut()).run(batch, threads);
        }
        NetworkConfig cfg = net.config();
        RunInputs in = RunInputs.of(BenchNetworks.input(cfg, batch, seqLen));
        double gflop = flops(cfg) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s, batch %d, seq_len %d, %d thread(s): %.3f GFLOP per run; warm-up at least %d runs"
                + " and %.1f s per backend%n", net, batch, seqLen, threads, gflop, warmup, warmupSeconds);
        out.printf(Locale.ROOT, "native arithmetic: %s; %d processors; Java %s%n", SimdSupport.describe(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        // What % of peak is measured against: measured here with --peak (it takes seconds), else given.
        double peakGflops = peak ? SimdSupport.peakGflops(5000) : peakGflopsGiven > 0 ? peakGflopsGiven : Double.NaN;
        if (peak) {
            out.printf(Locale.ROOT, "peak: %.1f GFLOP/s per thread (Vector API FMA chains)%n", peakGflops);
        }
        out.printf(Locale.ROOT, "%-12s %10s %10s %10s %9s %7s %12s %12s%n", "backend", "median ms", "min ms", "max ms", "GFLOP/s",
                "% peak", "alloc/run", "max |diff|");
        Tensor reference = null;
        for (String name : backends) {
            try (Backend b = Backends.named(name, threads)) {
                RunOutputs first = b.run(net, in, Precision.FLOAT32);
                long warmUntil = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int i = 0; i < warmup || System.nanoTime() < warmUntil; i++) {
                    b.run(net, in, Precision.FLOAT32);
                }
                double[] ms = new double[iterations];
                long[] allocated = new long[iterations];
                for (int i = 0; i < iterations; i++) {
                    long a0 = allocatedBytes();
                    long t0 = System.nanoTime();
                    b.run(net, in, Precision.FLOAT32);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    allocated[i] = allocatedBytes() - a0;
                }
                Arrays.sort(ms);
                Arrays.sort(allocated);
                double median = iterations % 2 == 1 ? ms[iterations / 2] : (ms[iterations / 2 - 1] + ms[iterations / 2]) / 2;
                String diff = reference == null ? "(reference)" : String.format(Locale.ROOT, "%.2e", maxAbsDiff(reference, first.output()));
                if (reference == null) {
                    reference = first.output();
                }
                double gflops = gflop / (median / 1e3);
                out.printf(Locale.ROOT, "%-12s %10.3f %10.3f %10.3f %9.2f %7s %12s %12s%n", b.name(), median, ms[0], ms[iterations - 1],
                        gflops, percentOfPeak(gflops, peakGflops), bytes(allocated[iterations / 2]), diff);
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "%% peak: of %s; alloc/run: median heap bytes allocated per run by the calling thread"
                + " only (not by worker threads or native code)%n", Double.isNaN(peakGflops) ? "the peak (give --peak or --peak-gflops)"
                : String.format(Locale.ROOT, "%.1f GFLOP/s x %d thread(s)", peakGflops, threads));
        return Main.OK;
    }

    /** Multiply-adds of the recurrent layers, counted twice; activations and copies are not counted. */
    private double flops(NetworkConfig cfg) {
        double total = 0;
        int g = cfg.cell().gates() * cfg.hiddenSize();
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            double perStep = (double) g * (cfg.layerInputSize(layer) + cfg.outputSize())
                    + (cfg.projSize() > 0 ? (double) cfg.projSize() * cfg.hiddenSize() : 0);
            total += 2.0 * perStep * batch * seqLen * cfg.directions();
        }
        return total;
    }

    private RecurrentNetwork randomNetwork() {
        CellKind kind;
        try {
            kind = CellKind.valueOf(cell.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cell must be lstm, gru, rnn_tanh or rnn_relu, found '" + cell + "'");
        }
        if (inputSize < 1 || hidden < 1 || layers < 1) {
            throw new UsageException("--input-size, --hidden and --layers must be at least 1");
        }
        return BenchNetworks.network(NetworkConfig.of(kind, inputSize, hidden).withLayers(layers).withBidirectional(bidirectional));
    }

    private String percentOfPeak(double gflops, double peakGflops) {
        return Double.isNaN(peakGflops) || peakGflops <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100 * gflops / (peakGflops * threads));
    }

    /** Heap bytes this thread has allocated so far; -1 where the JVM cannot tell. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    private static String bytes(long n) {
        if (n < 0) {
            return "-";
        }
        return n < 10_000 ? n + " B" : n < 10_000_000 ? n / 1000 + " kB" : n / 1_000_000 + " MB";
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
        }
        return worst;
    }
}

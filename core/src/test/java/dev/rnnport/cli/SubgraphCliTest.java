package dev.rnnport.cli;

import static dev.rnnport.cli.CliTest.assertOneLineError;
import static dev.rnnport.cli.CliTest.rnnport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.cli.CliTest.Result;
import dev.rnnport.format.onnx.GraphCase;
import dev.rnnport.tensor.Npy;
import dev.rnnport.testing.Closeness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect lists the networks inside subgraphs; run and convert take one with --network, natively and in ONNX Runtime. */
class SubgraphCliTest {
    @TempDir
    Path tmp;

    @Test
    void inspectListsEveryNetworkByItsPath() {
        Result r = rnnport("inspect", GraphCase.ROOT.resolve("nested.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 networks"), r.out());
        assertTrue(r.out().contains("name=If_0/then_branch/Loop_1/body/LSTM_2 cell=LSTM"), r.out());
        assertTrue(r.out().contains("name=If_0/else_branch/RNN_5 cell=RNN"), r.out());
    }

    @Test
    void runTakesOneNetworkOnEitherBackend() throws Exception {
        GraphCase c = GraphCase.named("if_lstm.onnx", "If_0/else_branch/LSTM_7");
        for (String backend : List.of("native", "onnxruntime")) {
            Path out = tmp.resolve(backend);
            Result r = rnnport("run", c.model().toString(), "--network", c.network(), "--backend", backend, "--threads", "1",
                    "--input", c.refs().resolve("input.npy").toString(), "--h0", c.refs().resolve("h0.npy").toString(),
                    "--c0", c.refs().resolve("c0.npy").toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            for (String f : List.of("output", "h_n", "c_n")) {
                Closeness.assertClose(c.npy(f + ".npy"), Npy.read(out.resolve(f + ".npy")), 1e-5, backend + " " + f);
            }
        }
    }

    @Test
    void withoutNetworkSeveralAreNamed() {
        GraphCase c = GraphCase.named("if_lstm.onnx", "If_0/else_branch/LSTM_7");
        assertOneLineError(rnnport("convert", c.model().toString(), tmp.resolve("x.pt").toString()), 2,
                "holds 2 networks (If_0/else_branch/LSTM_7, If_0/then_branch/LSTM_3); choose one with --network");
        assertOneLineError(rnnport("run", c.model().toString(), "--network", "nope", "--backend", "onnxruntime",
                "--input", c.refs().resolve("input.npy").toString(), "--out", tmp.resolve("o").toString()), 2,
                "no network named 'nope'");
    }

    @Test
    void aFoldingStopIsOneLine() {
        assertOneLineError(rnnport("inspect", GraphCase.ROOT.resolve("matmul_weights.onnx").toString()), 3,
                "node 'mm' (MatMul) computes 'W'");
    }
}

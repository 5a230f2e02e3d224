package dev.rnnport.format.torch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NativeEngine;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunOutputs;
import dev.rnnport.testing.Closeness;
import dev.rnnport.testing.GridCase;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the PyTorch reference grid (testmodels/grid), read from both its
 * zip and legacy .pt files through TorchReader and run natively, against PyTorch's outputs.
 */
class GridTorchTest {
    private static final double TOL = 1e-5;

    /**
     * The grid is part of the repository: every case holds both .pt layouts, so that the factory
     * below cannot pass by running nothing.
     */
    @Test
    void everyGridCaseHoldsBothPtLayouts() {
        List<GridCase> cases = GridCase.all();
        assertTrue(cases.size() >= 40, "grid cases: " + cases.size());
        for (GridCase c : cases) {
            for (String file : List.of("model.pt", "model_legacy.pt")) {
                assertTrue(Files.isRegularFile(c.dir().resolve(file)), c.name() + " lacks " + file);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGridCaseFromBothPtLayouts() {
        List<DynamicTest> tests = new ArrayList<>();
        for (GridCase c : GridCase.all()) {
            for (String file : List.of("model.pt", "model_legacy.pt")) {
                if (Files.exists(c.dir().resolve(file))) {
                    tests.add(DynamicTest.dynamicTest(c.name() + "/" + file, () -> runCase(c, file)));
                }
            }
        }
        assertTrue(tests.size() >= 80, "both layouts of every case: " + tests.size());
        return tests.stream();
    }

    private static void runCase(GridCase c, String file) {
        // batch_first from the user, and the nonlinearity only when it is relu: tanh is the default.
        CellKind nonlinearity = c.cell() == CellKind.RNN_RELU ? CellKind.RNN_RELU : null;
        RecurrentNetwork net = Networks.load(c.dir().resolve(file), new LoadOptions(null, c.batchFirst(), nonlinearity));
        c.assertSettings(net.config());

        RunOutputs out = new NativeEngine(Precision.FLOAT32).run(net, c.inputs());
        String what = c.name() + "/" + file;
        if (c.cell() != CellKind.LSTM) {
            assertNull(out.cN(), what + " c_n");
        }
        new Closeness(what, TOL).outputs("native", c.expected(), out).check();
    }
}

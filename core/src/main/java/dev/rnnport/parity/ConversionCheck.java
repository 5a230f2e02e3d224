package dev.rnnport.parity;

import dev.rnnport.Networks;
import dev.rnnport.backend.NativeBackend;
import dev.rnnport.format.LoadOptions;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Proves a conversion: the written file, read back by its format's reader and run in its format's
 * own runtime (an .onnx in ONNX Runtime as it is; formats without a Java runtime of their own by the
 * native engine on the re-read network, see {@link FileRuntimes}), against the source run by its own
 * runtime (an .onnx source in ONNX Runtime as it is, otherwise the native engine in float64).
 */
public final class ConversionCheck {
    private ConversionCheck() {
    }

    /**
     * @param source        the file converted
     * @param network       our reading of it (what was written)
     * @param written       where the converted file is now (a temporary name until it is proven)
     * @param shownAs       the name the user gave for the written file, for the report
     */
    public static ParityReport check(Path source, ModelFormat sourceFormat, RecurrentNetwork network, Path written,
                                     ModelFormat target, String shownAs, ParityInputs inputs, Tolerance tolerance) {
        RecurrentNetwork reread = Networks.load(written, LoadOptions.DEFAULTS);
        Optional<Contender> sourceRun = FileRuntimes.contender(sourceFormat, source, network)
                .filter(c -> c.unavailableReason() == null);
        try (Contender reference = sourceRun.map(c -> relabel(c, "source, " + c.label()))
                .orElseGet(() -> relabel(Contenders.reference(network), "source, native float64"));
             Contender convertedRun = FileRuntimes.contender(target, written, reread)
                     .map(c -> relabel(c, target.formatName() + ", " + c.label()))
                     .orElseGet(() -> Contender.backend(target.formatName() + ", native float64 (read back)", new NativeBackend(),
                             reread, Precision.FLOAT64))) {
            return new Verifier(network, tolerance).check(source + " -> " + shownAs, inputs, reference, List.of(convertedRun));
        }
    }

    private static Contender relabel(Contender c, String label) {
        return c.withLabel(label);
    }
}

package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.Networks;
import dev.rnnport.format.ModelFormat;
import dev.rnnport.format.WriteOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What we write, seen through h5py (the HDF5 C library): a .h5 we write has the same groups,
 * datasets, shapes, dtypes and attribute names as the tf.keras-layout file it was read from, and
 * the same layer_names and weight_names; a .keras archive holds Keras 3's entries and weights layout.
 */
class KerasLayoutH5pyTest {
    @TempDir
    Path tmp;

    static final String STRUCTURE = """
            import sys, h5py, json
            f = h5py.File(sys.argv[1], 'r')
            def names(v):
                return [n.decode() if hasattr(n, 'decode') else n for n in v]
            # tf.keras stores scalar strings as variable-length, we as fixed-length: its loader decodes both.
            print('/', sorted(f.attrs.keys()), f.attrs['keras_version'].decode() if hasattr(f.attrs['keras_version'], 'decode') else '?')
            mw = f['model_weights']
            print('model_weights', sorted(mw.attrs.keys()), names(mw.attrs['layer_names']))
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    print('D', name, obj.shape, obj.dtype)
                elif 'weight_names' in obj.attrs:
                    print('G', name, names(obj.attrs['weight_names']))
            mw.visititems(visit)
            cfg = json.loads(f.attrs['model_config'])
            print([l['class_name'] for l in cfg['config']['layers']])
            """;

    @ParameterizedTest
    @ValueSource(strings = {"bidirectional_lstm_sum", "stacked_lstm", "gru_reset_after", "gru_reset_before",
        "simple_rnn_relu", "masked_lstm"})
    void writtenH5HasTfKerasLayout(String name) throws Exception {
        H5py.assumeAvailable();
        Path source = KerasCase.named(name).model();
        Path written = tmp.resolve(name + ".h5");
        Networks.save(Networks.load(source), written, ModelFormat.KERAS_H5, WriteOptions.DEFAULTS);
        List<String> expected = H5py.run(STRUCTURE, source).lines().toList();
        List<String> actual = H5py.run(STRUCTURE, written).lines().toList();
        // The source's model lists Dense/Dropout layers that we do not write; compare the recurrent ones.
        assertEquals(filter(expected), filter(actual));
    }

    private static List<String> filter(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll(", 'dense'|, 'dropout(_\\d)?'", ""))
                .filter(l -> !l.matches("[GD] (dense|dropout).*") && !l.startsWith("['") && !l.startsWith("/ ")).toList();
    }

    @Test
    void writtenKerasArchiveHasKeras3Layout() throws Exception {
        H5py.assumeAvailable();
        Path written = tmp.resolve("bi.keras");
        Networks.save(Networks.load(KerasCase.named("masked_bidirectional_lstm").model()), written, ModelFormat.KERAS,
                WriteOptions.DEFAULTS);
        Path weights = tmp.resolve("model.weights.h5");
        try (ZipFile zip = new ZipFile(written.toFile())) {
            assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"),
                    zip.stream().map(java.util.zip.ZipEntry::getName).toList());
            java.nio.file.Files.write(weights, zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes());
        }
        String out = H5py.run("""
                import sys, h5py
                f = h5py.File(sys.argv[1], 'r')
                f.visititems(lambda n, o: print(n, o.shape if isinstance(o, h5py.Dataset) else ''))
                """, weights);
        assertEquals(List.of("layers ", "layers/bidirectional ",
                "layers/bidirectional/backward_layer ", "layers/bidirectional/backward_layer/cell ",
                "layers/bidirectional/backward_layer/cell/vars ", "layers/bidirectional/backward_layer/cell/vars/0 (3, 16)",
                "layers/bidirectional/backward_layer/cell/vars/1 (4, 16)", "layers/bidirectional/backward_layer/cell/vars/2 (16,)",
                "layers/bidirectional/backward_layer/vars ",
                "layers/bidirectional/forward_layer ", "layers/bidirectional/forward_layer/cell ",
                "layers/bidirectional/forward_layer/cell/vars ", "layers/bidirectional/forward_layer/cell/vars/0 (3, 16)",
                "layers/bidirectional/forward_layer/cell/vars/1 (4, 16)", "layers/bidirectional/forward_layer/cell/vars/2 (16,)",
                "layers/bidirectional/forward_layer/vars ", "layers/bidirectional/vars ",
                "layers/masking ", "layers/masking/vars ", "vars "), out.lines().toList());
        assertTrue(true);
    }
}

package dev.rnnport.format.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our HDF5 files are read by jhdf and by h5py (the HDF5 C library) alike. */
class Hdf5WriterTest {
    @TempDir
    Path tmp;

    private Path sample() throws Exception {
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        root.attribute("keras_version", "2.15.0");
        root.attribute("model_config", "{\"class_name\": \"Sequential\", \"name\": \"caf\u00e9\"}");
        Hdf5Writer.Group layers = root.group("layers");
        layers.groupAt("lstm/cell/vars").dataset("0", Tensor.ofFloats(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6.5f}));
        layers.groupAt("lstm/cell/vars").dataset("1", Tensor.ofDoubles(new int[] {3}, 0.1, 0.2, 0.3));
        layers.group("lstm").group("vars");
        root.group("vars"); // an empty group after groups with data
        root.group("model_weights").attribute("layer_names", List.of("lstm", "bidirectional_1"));
        Path file = tmp.resolve("sample.h5");
        Files.write(file, Hdf5Writer.write(root));
        return file;
    }

    @Test
    void jhdfReadsGroupsDatasetsAndAttributes() throws Exception {
        Path file = sample();
        assertTrue(Hdf5.hasSignature(file));
        try (HdfFile h5 = new HdfFile(file)) {
            assertEquals("2.15.0", Hdf5.stringAttribute(h5, "keras_version"));
            assertTrue(Hdf5.stringAttribute(h5, "model_config").contains("caf\u00e9"));
            assertArrayEquals(new String[] {"lstm", "bidirectional_1"},
                    Hdf5.stringsAttribute(h5.getByPath("model_weights"), "layer_names"));
            Tensor k = Hdf5.tensor(h5.getDatasetByPath("layers/lstm/cell/vars/0"));
            assertArrayEquals(new int[] {2, 3}, k.shape());
            assertEquals(6.5, k.get(1, 2));
            Tensor b = Hdf5.tensor(h5.getDatasetByPath("layers/lstm/cell/vars/1"));
            assertEquals(DType.F64, b.dtype());
            assertEquals(0.2, b.get(1));
            assertEquals(0, ((Group) h5.getByPath("vars")).getChildren().size());
            assertEquals(List.of("layers", "vars", "model_weights"), List.copyOf(h5.getChildren().keySet()));
        }
    }

    @Test
    void h5pyReadsTheSameFile() throws Exception {
        H5py.assumeAvailable();
        Path file = sample();
        String out = H5py.run("""
                import sys, h5py
                f = h5py.File(sys.argv[1], 'r')
                print(f.attrs['keras_version'].decode(), f.attrs['model_config'].decode('utf-8'))
                print([n.decode() for n in f['model_weights'].attrs['layer_names']])
                print(f['layers/lstm/cell/vars/0'].dtype, f['layers/lstm/cell/vars/0'][()].tolist())
                print(f['layers/lstm/cell/vars/1'].dtype, f['layers/lstm/cell/vars/1'][()].tolist())
                print(len(f['vars']), sorted(f.keys()))
                """, file);
        List<String> lines = out.strip().lines().toList();
        assertEquals("2.15.0 {\"class_name\": \"Sequential\", \"name\": \"caf\u00e9\"}", lines.get(0));
        assertEquals("['lstm', 'bidirectional_1']", lines.get(1));
        assertEquals("float32 [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]", lines.get(2));
        assertEquals("float64 [0.1, 0.2, 0.3]", lines.get(3));
        assertEquals("0 ['layers', 'model_weights', 'vars']", lines.get(4));
    }

    @Test
    void checksumIsJenkinsLookup3() {
        // Published test values of hashlittle (lookup3.c driver): "" -> 0xdeadbeef, "Four score and seven years ago" -> 0x17770551.
        assertEquals(0xdeadbeef, Hdf5Writer.lookup3(new byte[0], 0, 0));
        byte[] s = "Four score and seven years ago".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0x17770551, Hdf5Writer.lookup3(s, 0, s.length));
    }
}

package dev.rnnport.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnnport.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by NumPy's np.save (testmodels/generate/make_npy_files.py). */
class NpyTest {
    private static final Path DIR = Path.of("testmodels/npy");

    @Test
    void readsNumpyFloatsIntsAndByteOrders() throws Exception {
        Tensor f = Npy.read(DIR.resolve("f32_2x3.npy"));
        assertEquals(DType.F32, f.dtype());
        assertArrayEquals(new int[] {2, 3}, f.shape());
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1.0, 1.25}, f.data());
        assertArrayEquals(new double[] {1.5, -2.25, 1e-300}, Npy.read(DIR.resolve("f64_3.npy")).data());
        assertArrayEquals(new double[] {3, 1}, Npy.read(DIR.resolve("i64_lengths.npy")).data());
        assertArrayEquals(new double[] {2, 0}, Npy.read(DIR.resolve("i32_lengths.npy")).data());
        assertArrayEquals(new double[] {1.0, -0.5}, Npy.read(DIR.resolve("f32_bigendian.npy")).data());
        Tensor scalar = Npy.read(DIR.resolve("scalar.npy"));
        assertEquals(0, scalar.rank());
        assertEquals(2.5, scalar.data()[0]);
    }

    @Test
    void refusesWhatItCannotRepresent() {
        assertTrue(message("fortran.npy").contains("Fortran"));
        assertTrue(message("object.npy").contains("object arrays"));
        assertTrue(message("complex.npy").contains("unsupported dtype '<c8'"));
    }

    @Test
    void refusesTruncatedData(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(DIR.resolve("f32_2x3.npy"));
        Path cut = tmp.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 3));
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("needs 24 data bytes, the file has 21"), e.getMessage());
    }

    @Test
    void writesWhatNumpyWrites() throws Exception {
        // np.save's bytes for the same array are the reference: header layout, padding, data.
        Path file = DIR.resolve("f32_2x3.npy");
        assertArrayEquals(Files.readAllBytes(file), Npy.toBytes(Npy.read(file)));
        Path f64 = DIR.resolve("f64_3.npy");
        assertArrayEquals(Files.readAllBytes(f64), Npy.toBytes(Npy.read(f64)));
        Path i64 = DIR.resolve("i64_lengths.npy");
        assertArrayEquals(Files.readAllBytes(i64), Npy.toBytes(Npy.read(i64)));
    }

    private static String message(String name) {
        return assertThrows(ModelException.class, () -> Npy.read(DIR.resolve(name))).getMessage();
    }
}

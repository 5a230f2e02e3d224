package dev.rnnport.cli;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.RnnportException;
import dev.rnnport.RnnportException.Kind;
import dev.rnnport.nn.RunInputs;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.Npy;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The tensors a user names with {@code --input}, {@code --h0}, {@code --c0} and {@code --lengths}:
 * read, checked, and named by option and file in every error, so that a message says which file
 * to fix ({@code --h0 h.npy has shape [2, 1, 8], the network expects [4, 1, 8] ...}).
 *
 * <p>Input and states must hold floating-point values: like PyTorch's LSTM ("expected scalar type
 * Float"), no backend runs integers, so every backend refuses them the same way, here.
 */
final class InputFiles {
    /** The engine's name for each tensor, which starts its shape messages, and the option and file it came from. */
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final RunInputs inputs;

    private InputFiles(Path input, Path h0, Path c0, Path lengths) {
        inputs = new RunInputs(read("input", "--input", input, true), read("h0", "--h0", h0, true),
                read("c0", "--c0", c0, true), read("lengths", "--lengths", lengths, false));
    }

    /**
     * Reads the files the options name; {@code input} is required, the others may be null.
     *
     * @throws RnnportException naming the option and the file when one is missing, unreadable, not a
     *                          .npy array, or (input and states) holds integers
     */
    static InputFiles read(Path input, Path h0, Path c0, Path lengths) {
        return new InputFiles(input, h0, c0, lengths);
    }

    RunInputs inputs() {
        return inputs;
    }

    /**
     * Runs {@code action} (which runs the network on {@link #inputs()}); a shape error that names a
     * tensor by the engine's name is told again with the option and file that tensor came from.
     */
    <T> T naming(Callable<T> action) throws Exception {
        try {
            return action.call();
        } catch (RnnportException e) {
            throw relabel(e);
        }
    }

    /** {@code e} with its leading tensor name (input, h0, c0, lengths) replaced by the option and file; else e. */
    RnnportException relabel(RnnportException e) {
        String m = e.getMessage();
        if (m == null) {
            return e;
        }
        // The tensor's name starts the message, or the part after a runner's "...: " prefix.
        for (Map.Entry<String, String> l : labels.entrySet()) {
            String name = l.getKey();
            for (String start : new String[] {"", ": "}) {
                int at = start.isEmpty() ? (m.startsWith(name) ? 0 : -1) : m.indexOf(start + name);
                if (at < 0) {
                    continue;
                }
                int after = at + start.length() + name.length();
                String head = m.substring(0, at + start.length());
                if (m.startsWith(" ", after)) {
                    return new RnnportException(e.kind(), head + l.getValue() + m.substring(after), e);
                }
                if (m.startsWith("[", after)) {
                    return new RnnportException(e.kind(), head + l.getValue() + ": " + m.substring(at + start.length()), e);
                }
            }
        }
        return e;
    }

    private Tensor read(String tensor, String option, Path file, boolean floating) {
        if (file == null) {
            return null;
        }
        String label = option + " " + file;
        labels.put(tensor, label);
        Tensor t = readNpy(label, file);
        if (floating && !t.dtype().isFloating()) {
            throw new ModelException(Kind.UNSUPPORTED, label + " holds " + numpyName(t.dtype())
                    + " values; a recurrent network takes floating point (float32 or float64), as PyTorch's does;"
                    + " save it with .astype('float32')");
        }
        return t;
    }

    /** The dtype as NumPy names it, which is how the user made the file. */
    private static String numpyName(DType d) {
        return switch (d) {
            case I8 -> "int8";
            case U8 -> "uint8";
            case I16 -> "int16";
            case I32 -> "int32";
            case I64 -> "int64";
            case BOOL -> "bool";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F32 -> "float32";
            case F64 -> "float64";
        };
    }

    /**
     * One array from a file the user named; every failure is one line that starts with the option
     * and the file. A file that is missing or cannot be read is bad input (exit 3), like a model file.
     */
    static Tensor readNpy(String label, Path file) {
        if (Files.isDirectory(file)) {
            throw new ModelException(Kind.IO, label + ": is a folder, expected an .npy file");
        }
        if (!Files.exists(file)) {
            throw new ModelException(Kind.IO, label + ": no such file");
        }
        try {
            return Npy.read(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(Kind.IO, label + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ModelException(Kind.IO, label + ": permission denied", e);
        } catch (IOException e) {
            throw new ModelException(Kind.IO, label + ": " + Networks.describe(e), e);
        } catch (RnnportException e) {
            // Npy names the file first; say which option it came from.
            String m = e.getMessage();
            String rest = m != null && m.startsWith(file + ": ") ? m.substring(file.toString().length() + 2) : m;
            throw new RnnportException(e.kind(), label + ": " + rest, e);
        }
    }
}

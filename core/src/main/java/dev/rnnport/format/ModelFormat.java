package dev.rnnport.format;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.UsageException;
import dev.rnnport.format.keras.KerasFiles;
import dev.rnnport.format.keras.KerasH5Reader;
import dev.rnnport.format.keras.KerasH5Writer;
import dev.rnnport.format.keras.KerasZipReader;
import dev.rnnport.format.keras.KerasZipWriter;
import dev.rnnport.format.onnx.OnnxReader;
import dev.rnnport.format.onnx.OnnxWriter;
import dev.rnnport.format.safetensors.SafetensorsReader;
import dev.rnnport.format.savedmodel.SavedModelReader;
import dev.rnnport.format.savedmodel.SavedModelWriter;
import dev.rnnport.format.safetensors.SafetensorsWriter;
import dev.rnnport.format.torch.TorchReader;
import dev.rnnport.format.torch.TorchWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The file formats, how to recognise them and which reader and writer serve each. */
public enum ModelFormat {
    SAFETENSORS("safetensors", List.of("safetensors"), SafetensorsReader::new, SafetensorsWriter::new),
    ONNX("onnx", List.of("onnx"), OnnxReader::new, OnnxWriter::new),
    PT("pt", List.of("pt", "pth", "th", "bin"), TorchReader::new, TorchWriter::new),
    KERAS_H5("h5", List.of("h5", "hdf5"), KerasH5Reader::new, KerasH5Writer::new),
    KERAS("keras", List.of("keras"), KerasZipReader::new, KerasZipWriter::new),
    /**
     * A folder, recognised by its saved_model.pb; reading and writing load TensorFlow. Lambdas, not
     * constructor references: a reference links the class when this enum is made, and linking
     * loads TensorFlow's classes, which commands that never touch a SavedModel should not.
     */
    SAVEDMODEL("savedmodel", List.of(), () -> new SavedModelReader(), () -> new SavedModelWriter());

    /**
     * What {@link #detect} recognises, in a user's words: named in help and in the refusal of a file
     * it does not recognise. A test checks that it names every extension the formats list.
     */
    public static final String READABLE = "safetensors (.safetensors), ONNX (.onnx), PyTorch (.pt, .pth, .th, .bin,"
            + " .ckpt, .jit: zip, legacy or TorchScript), Keras (.h5, .hdf5, .keras), TensorFlow SavedModel (a folder with saved_model.pb)";

    private final String name;
    private final List<String> extensions;
    private final Supplier<FormatReader> reader;
    private final Supplier<FormatWriter> writer;

    ModelFormat(String name, List<String> extensions, Supplier<FormatReader> reader, Supplier<FormatWriter> writer) {
        this.name = name;
        this.extensions = extensions;
        this.reader = reader;
        this.writer = writer;
    }

    public String formatName() {
        return name;
    }

    public FormatReader reader() {
        return reader.get();
    }

    public FormatWriter writer() {
        return writer.get();
    }

    /** The format named by {@code --to}. */
    public static ModelFormat named(String to) {
        for (ModelFormat f : values()) {
            if (f.name.equalsIgnoreCase(to) || f.extensions.contains(to.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new UsageException("unknown format '" + to + "' (known: safetensors, onnx, pt, h5, keras, savedmodel)");
    }

    /** The format an output path asks for by its extension. */
    public static ModelFormat forOutput(Path file) {
        String ext = extension(file);
        for (ModelFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return f;
            }
        }
        throw new UsageException("cannot tell the format of " + file + " from its extension; give --to onnx|pt|safetensors|h5|keras|savedmodel");
    }

    /** Recognises an existing file by its extension, else by its first bytes; a folder by its SavedModel marker. */
    public static ModelFormat detect(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            if (Files.isRegularFile(file.resolve("saved_model.pb")) || Files.isRegularFile(file.resolve("saved_model.pbtxt"))) {
                return SAVEDMODEL;
            }
            throw new ModelException(file + ": a folder without saved_model.pb, so not a SavedModel (other formats are single files)");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException(RnnportException.Kind.IO, file + ": no such file");
        }
        // Formats with an unmistakable signature are recognised by content whatever the name says.
        if (KerasFiles.isHdf5(file)) {
            return KERAS_H5;
        }
        if (KerasFiles.isKerasArchive(file)) {
            return KERAS;
        }
        String ext = extension(file);
        for (ModelFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return f;
            }
        }
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return PT;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80) {
            return PT;
        }
        if (n == 9 && head[8] == '{') {
            return SAFETENSORS;
        }
        if (n >= 1 && head[0] == 0x08) {
            return ONNX;
        }
        throw new ModelException(file + ": not a recognised model file (rnnport reads " + READABLE + ")");
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}

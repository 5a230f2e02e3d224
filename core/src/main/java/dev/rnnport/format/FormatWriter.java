package dev.rnnport.format;

import dev.rnnport.ModelException;
import dev.rnnport.RnnportException;
import dev.rnnport.nn.RecurrentNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes one network to a file, atomically (see {@link AtomicFiles}). A network the format cannot
 * express is refused before anything is written, with the reason {@link #refusal} gives: the one
 * statement of what a format can hold, asked by the writer itself and by {@code inspect}, so that
 * the two never disagree.
 */
public interface FormatWriter {

    /**
     * Why this format cannot hold {@code network} written with {@code options}, in the user's terms
     * ("PyTorch's nn.LSTM has no cell clip 3.0"); empty when it can.
     *
     * @param network the network to write
     * @param options the writer's options (an ONNX opset can decide)
     * @return the reason, or empty
     */
    Optional<String> refusal(RecurrentNetwork network, WriteOptions options);

    /**
     * Writes {@code network} to {@code file}.
     *
     * @throws ModelException of kind {@link RnnportException.Kind#UNSUPPORTED} when {@link #refusal} gives a reason
     * @throws IOException    when the file cannot be written
     */
    void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException;

    /**
     * Throws what {@link #write} throws when {@link #refusal} gives a reason: "FILE: cannot write FORMAT: reason".
     *
     * @param format the format's name, as the user gave it
     */
    default void requireCanHold(RecurrentNetwork network, WriteOptions options, Path file, String format) {
        Optional<String> why = refusal(network, options);
        if (why.isPresent()) {
            throw new ModelException(RnnportException.Kind.UNSUPPORTED, file + ": cannot write " + format + ": " + why.get());
        }
    }
}

package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.torch.pickle.PickleLimits;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An opened torch.save or torch.jit.save file: the unpickled object and access to its storages.
 * Storage bytes are read only when a tensor is materialized; closing releases the file.
 */
abstract class TorchFile implements StorageReader, Closeable {

    /** The zip layout (torch.save since 1.6, torch.jit.save) or the legacy pickle stream, by the first bytes. */
    static TorchFile open(Path file, PickleLimits limits) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n == 0) {
            throw new ModelException(file + ": empty file, not a PyTorch file");
        }
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return ZipTorchFile.open(file, limits);
        }
        // A legacy file starts with the pickle of torch's magic number: PROTO for protocol 2 and
        // up, a text LONG for protocols 0 and 1.
        if ((head[0] & 0xff) == 0x80 || head[0] == 'L') {
            return LegacyTorchFile.open(file, limits);
        }
        throw new ModelException(file + ": not a PyTorch file: neither a zip archive (torch.save since 1.6, torch.jit.save)"
                + " nor a legacy torch.save pickle stream");
    }

    /** What torch.load would return, with inert stand-ins for foreign objects. */
    abstract Object root();

    /**
     * Globals the file's pickles name outside tensor rebuilding, in the order named: Python would
     * import and call these when loading the file; rnnport did not.
     */
    abstract java.util.List<String> foreignGlobals();

    /** "zip", "legacy" or "TorchScript", for messages and inspection. */
    abstract String layout();
}

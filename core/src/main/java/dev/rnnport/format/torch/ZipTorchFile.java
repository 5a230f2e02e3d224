package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.torch.pickle.PickleBudget;
import dev.rnnport.format.torch.pickle.PickleError;
import dev.rnnport.format.torch.pickle.PickleInput;
import dev.rnnport.format.torch.pickle.PickleLimits;
import dev.rnnport.format.torch.pickle.Py;
import dev.rnnport.format.torch.pickle.PyBytes;
import dev.rnnport.format.torch.pickle.PyTuple;
import dev.rnnport.format.torch.pickle.Unpickler;
import dev.rnnport.util.ReadLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip layout of torch.save (PyTorch 1.6+) and torch.jit.save: {@code <folder>/data.pkl}
 * holds the object, {@code <folder>/data/<key>} the bytes of each storage, {@code byteorder}
 * (PyTorch 2.1+) their byte order. The folder is named freely ("archive", the file's stem).
 * Entry sizes come from the central directory and are checked against every claim the pickle
 * makes before anything is read; no more than an entry's size is ever read from it.
 */
final class ZipTorchFile extends TorchFile {
    private final Path file;
    private final ZipFile zip;
    private final String folder;
    private final boolean torchScript;
    private final ByteOrder order;
    private final Map<String, StorageRef> storages = new HashMap<>();
    private PickleBudget budget;
    private TorchCallables callables;
    private Object root;

    private ZipTorchFile(Path file, ZipFile zip, String folder, boolean torchScript, ByteOrder order) {
        this.file = file;
        this.zip = zip;
        this.folder = folder;
        this.torchScript = torchScript;
        this.order = order;
    }

    static ZipTorchFile open(Path file, PickleLimits limits) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw new ModelException(file + ": not a readable zip archive (" + e.getMessage() + "); truncated or damaged?");
        }
        try {
            String folder;
            try {
                checkEntries(file, zip, ReadLimits.defaults());
                folder = dataPklFolder(file, zip);
            } catch (IllegalArgumentException e) {
                // ZipFile decodes entry names lazily and throws this for bytes that are no UTF-8.
                throw new ModelException(file + ": zip archive with an unreadable entry name (" + e.getMessage() + ")");
            }
            boolean script = zip.getEntry(folder + "/constants.pkl") != null;
            ZipTorchFile f = new ZipTorchFile(file, zip, folder, script, byteOrder(file, zip, folder));
            f.load(limits);
            return f;
        } catch (RuntimeException | IOException e) {
            zip.close();
            throw e;
        }
    }

    /**
     * Refuses a zip bomb or a path-traversal archive before any record is read: too many entries,
     * a large record claiming to be far larger than its compressed bytes, or a name that is
     * absolute or climbs out of its folder ({@code ../}). rnnport never extracts a record to disk,
     * but no archive torch writes has such entries.
     */
    private static void checkEntries(Path file, ZipFile zip, ReadLimits limits) {
        if (zip.size() > limits.maxZipEntries()) {
            throw new ModelException(file + ": zip archive lists " + zip.size() + " entries, more than the "
                    + limits.maxZipEntries() + " a PyTorch file may have (a zip bomb?)");
        }
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            String name = e.getName();
            if (escapes(name)) {
                throw new ModelException(file + ": zip entry '" + printable(name)
                        + "' is an absolute path or climbs out of the archive (../); refused");
            }
            long size = e.getSize();
            long packed = e.getCompressedSize();
            if (size > ReadLimits.RATIO_EXEMPT_BYTES && packed >= 0 && size / Math.max(1, packed) > limits.maxZipRatio()) {
                throw new ModelException(file + ": zip record " + printable(name) + " claims " + size + " bytes from "
                        + packed + " compressed, a ratio above " + limits.maxZipRatio() + " (a zip bomb?)");
            }
        }
    }

    private static boolean escapes(String name) {
        if (name.startsWith("/") || name.startsWith("\\") || (name.length() > 1 && name.charAt(1) == ':')
                || name.indexOf('\0') >= 0) {
            return true;
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String name) {
        String s = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String dataPklFolder(Path file, ZipFile zip) {
        String found = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.substring(slash + 1).equals("data.pkl")) {
                if (found != null) {
                    throw new ModelException(file + ": zip archive holds both " + found + "/data.pkl and " + name
                            + "; expected one torch.save folder");
                }
                found = name.substring(0, slash);
            }
        }
        if (found == null) {
            throw new ModelException(file + ": zip archive without <folder>/data.pkl: not written by torch.save or torch.jit.save");
        }
        return found;
    }

    private static ByteOrder byteOrder(Path file, ZipFile zip, String folder) throws IOException {
        ZipEntry e = zip.getEntry(folder + "/byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN; // written by PyTorch 2.1+; older files are little-endian
        }
        String s = new String(readEntry(file, zip, e, 16), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new ModelException(file + ": record " + e.getName() + " says '" + s + "', expected little or big");
        };
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, long max) throws IOException {
        long size = e.getSize();
        if (size < 0 || size > max) {
            throw new ModelException(file + ": record " + e.getName() + " has " + size + " bytes, more than the "
                    + PickleBudget.mib(max) + " allowed");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size) {
                throw new ModelException(file + ": record " + e.getName() + " ends after " + b.length + " of its "
                        + size + " bytes (truncated file?)");
            }
            return b;
        } catch (ZipException | java.io.EOFException ex) {
            throw new ModelException(file + ": record " + e.getName() + " is damaged or truncated (" + ex.getMessage() + ")");
        }
    }

    private void load(PickleLimits limits) throws IOException {
        budget = new PickleBudget(limits.maxAllocation());
        ZipEntry pkl = zip.getEntry(folder + "/data.pkl");
        byte[] data = readEntry(file, zip, pkl, budget.limit());
        budget.charge(data.length);
        callables = new TorchCallables(budget);
        root = new Unpickler(PickleInput.of(data), file.toString(), pkl.getName(), limits, budget, this::storage,
                callables).load();
    }

    /** Resolves {@code ('storage', storage_type, key, location, numel)} and checks it against its record. */
    private StorageRef storage(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(ascii(t.get(0)))) {
            throw new PickleError("persistent id " + describe(pid) + " is not a torch storage");
        }
        TorchDType dtype = TorchDType.ofStorageGlobal(t.get(1));
        if (dtype == null) {
            throw new PickleError("persistent id names storage type " + Py.typeName(t.get(1))
                    + (TorchDType.looksLikeStorage(t.get(1)) ? ", which rnnport does not know" : ", not a storage class"));
        }
        String key = ascii(t.get(2));
        Long numel = Py.asLong(t.get(4));
        if (key == null || numel == null || numel < 0) {
            throw new PickleError("storage persistent id has key " + Py.typeName(t.get(2)) + " and size "
                    + Py.typeName(t.get(4)) + ", expected a str and a non-negative int");
        }
        StorageRef known = storages.get(key);
        if (known != null) {
            return known;
        }
        long nbytes;
        try {
            nbytes = Math.multiplyExact(numel, (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new PickleError("storage '" + key + "' claims " + numel + " elements, beyond 64-bit byte counts");
        }
        String record = folder + "/data/" + key;
        ZipEntry e = zip.getEntry(record);
        if (e == null) {
            throw new PickleError("storage '" + key + "' has no record " + record);
        }
        if (e.getSize() < nbytes) {
            throw new PickleError("storage '" + key + "' claims " + numel + " " + dtype.torchName() + " elements ("
                    + nbytes + " bytes) but its record " + record + " holds " + e.getSize() + " bytes");
        }
        budget.charge(PickleBudget.OBJECT);
        StorageRef s = new StorageRef(key, dtype, numel, ascii(t.get(3)), record, 0);
        storages.put(key, s);
        return s;
    }

    static String ascii(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof PyBytes b && !b.mutable()) {
            return new String(b.data(), StandardCharsets.US_ASCII);
        }
        return null;
    }

    static String describe(Object pid) {
        if (pid instanceof PyTuple t && t.size() > 0 && ascii(t.get(0)) != null) {
            String s = ascii(t.get(0));
            return "('" + (s.length() > 30 ? s.substring(0, 30) + "..." : s) + "', ...)";
        }
        return "of type " + Py.typeName(pid);
    }

    @Override
    public byte[] read(StorageRef storage, long offset, int length) throws IOException {
        ZipEntry e = zip.getEntry(storage.record());
        long start = storage.byteOffset() + offset;
        if (start + length > e.getSize()) {
            throw new ModelException(file + ": read past the end of record " + e.getName());
        }
        try (InputStream in = zip.getInputStream(e)) {
            in.skipNBytes(start);
            byte[] b = new byte[length];
            if (readInPieces(in, b) != length) {
                throw new ModelException(file + ": record " + e.getName() + " ends early (truncated file?)");
            }
            return b;
        } catch (java.io.EOFException | ZipException ex) {
            throw new ModelException(file + ": record " + e.getName() + " is damaged or truncated (" + ex.getMessage() + ")");
        }
    }

    /** Decodes 64 KiB at a time from the record into {@code into}: the storage's bytes are never held whole. */
    @Override
    public void readFloats(StorageRef storage, long offset, float[] into) throws IOException {
        ZipEntry e = zip.getEntry(storage.record());
        long start = storage.byteOffset() + offset;
        long length = 4L * into.length;
        if (start + length > e.getSize()) {
            throw new ModelException(file + ": read past the end of record " + e.getName());
        }
        try (InputStream in = zip.getInputStream(e)) {
            in.skipNBytes(start);
            byte[] piece = new byte[1 << 16];
            ByteBuffer view = ByteBuffer.wrap(piece).order(order);
            for (int done = 0; done < into.length; ) {
                int n = Math.min(piece.length / 4, into.length - done);
                if (in.readNBytes(piece, 0, 4 * n) != 4 * n) {
                    throw new ModelException(file + ": record " + e.getName() + " ends early (truncated file?)");
                }
                view.clear();
                view.asFloatBuffer().get(into, done, n);
                done += n;
            }
        } catch (java.io.EOFException | ZipException ex) {
            throw new ModelException(file + ": record " + e.getName() + " is damaged or truncated (" + ex.getMessage() + ")");
        }
    }

    /**
     * Fills {@code b} from {@code in} 64 KiB at a time and returns how much was read. Straight into
     * the one array: readNBytes(int) would gather 8 KiB pieces and copy them again, and one read of
     * the whole length makes the JDK take a native buffer of that size for every storage.
     */
    private static int readInPieces(InputStream in, byte[] b) throws IOException {
        int done = 0;
        while (done < b.length) {
            int n = in.read(b, done, Math.min(1 << 16, b.length - done));
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    @Override
    public ByteOrder order() {
        return order;
    }

    @Override
    java.util.List<String> foreignGlobals() {
        return callables.foreignGlobals();
    }

    @Override
    Object root() {
        return root;
    }

    @Override
    String layout() {
        return torchScript ? "TorchScript" : "zip";
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}

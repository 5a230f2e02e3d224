package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.torch.pickle.PickleBudget;
import dev.rnnport.format.torch.pickle.PickleError;
import dev.rnnport.format.torch.pickle.PickleInput;
import dev.rnnport.format.torch.pickle.PickleLimits;
import dev.rnnport.format.torch.pickle.Py;
import dev.rnnport.format.torch.pickle.PyDict;
import dev.rnnport.format.torch.pickle.PyTuple;
import dev.rnnport.format.torch.pickle.Unpickler;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy torch.save layout (before PyTorch 1.6, and {@code _use_new_zipfile_serialization=False}):
 * five pickles in a row (magic number, protocol version 1001, system info, the object, the sorted
 * list of storage keys), then each storage as an 8-byte element count and its raw bytes, in the
 * order of that list. Counts are checked against the file's length and the pickle's claims
 * before anything is read; storages are read on demand.
 */
final class LegacyTorchFile extends TorchFile {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, StorageRef> roots = new LinkedHashMap<>();
    private final Map<String, StorageRef> views = new HashMap<>();
    private final Map<String, Long> recordStart = new HashMap<>();
    private final Map<String, Long> recordBytes = new HashMap<>();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private PickleBudget budget;
    private TorchCallables callables;
    private Object root;

    private LegacyTorchFile(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static LegacyTorchFile open(Path file, PickleLimits limits) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            LegacyTorchFile f = new LegacyTorchFile(file, ch);
            f.load(limits);
            return f;
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    private void load(PickleLimits limits) throws IOException {
        budget = new PickleBudget(limits.maxAllocation());
        callables = new TorchCallables(budget);
        String name = file.toString();
        PickleInput in = PickleInput.of(channel, 0);
        Object magic = new Unpickler(in, name, "magic number pickle", limits, budget, null, callables).load();
        if (!(magic instanceof BigInteger b && b.equals(MAGIC))) {
            throw new ModelException(name + ": not a torch.save file: it starts with a pickle of a " + Py.typeName(magic)
                    + ", not torch's magic number (a plain pickle?)");
        }
        Object protocol = new Unpickler(in, name, "protocol pickle", limits, budget, null, callables).load();
        if (!Long.valueOf(PROTOCOL_VERSION).equals(protocol)) {
            throw new ModelException(name + ": legacy torch.save protocol " + protocol + " is not supported (expected 1001)");
        }
        Object sysInfo = new Unpickler(in, name, "system info pickle", limits, budget, null, callables).load();
        if (sysInfo instanceof PyDict d && Boolean.FALSE.equals(d.get("little_endian"))) {
            order = ByteOrder.BIG_ENDIAN;
        }
        root = new Unpickler(in, name, "object pickle", limits, budget, this::persistent, callables).load();
        Object keys = new Unpickler(in, name, "storage key pickle", limits, budget, null, callables).load();
        if (!(keys instanceof List<?> list)) {
            throw new ModelException(name + ": the storage key pickle holds a " + Py.typeName(keys) + ", expected a list");
        }
        locateStorages(list, in.position());
    }

    /**
     * Resolves {@code ('storage', storage_type, root_key, location, numel, view_metadata)}, and
     * {@code ('module', class, source_file, source)} which torch wrote for pickled nn.Module
     * classes (the class itself stands in).
     */
    private Object persistent(Object pid) {
        if (pid instanceof PyTuple t && t.size() >= 2 && "module".equals(ZipTorchFile.ascii(t.get(0)))) {
            return t.get(1);
        }
        if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(ZipTorchFile.ascii(t.get(0)))) {
            throw new PickleError("persistent id " + ZipTorchFile.describe(pid) + " is not a torch storage");
        }
        TorchDType dtype = TorchDType.ofStorageGlobal(t.get(1));
        if (dtype == null) {
            throw new PickleError("persistent id names storage type " + Py.typeName(t.get(1))
                    + (TorchDType.looksLikeStorage(t.get(1)) ? ", which rnnport does not know" : ", not a storage class"));
        }
        String key = ZipTorchFile.ascii(t.get(2));
        Long numel = Py.asLong(t.get(4));
        if (key == null || numel == null || numel < 0 || numel > Long.MAX_VALUE / 16) {
            throw new PickleError("storage persistent id has key " + Py.typeName(t.get(2)) + " and size "
                    + Py.typeName(t.get(4)) + ", expected a str and a non-negative int");
        }
        StorageRef rootRef = roots.get(key);
        if (rootRef == null) {
            budget.charge(PickleBudget.OBJECT);
            rootRef = new StorageRef(key, dtype, numel, ZipTorchFile.ascii(t.get(3)), key, 0);
            roots.put(key, rootRef);
        }
        Object view = t.size() > 5 ? t.get(5) : null;
        if (view == null) {
            return rootRef;
        }
        if (!(view instanceof PyTuple v) || v.size() != 3 || ZipTorchFile.ascii(v.get(0)) == null
                || Py.asLong(v.get(1)) == null || Py.asLong(v.get(2)) == null) {
            throw new PickleError("storage '" + key + "' has view metadata of type " + Py.typeName(view)
                    + ", expected (view_key, offset, size)");
        }
        String viewKey = ZipTorchFile.ascii(v.get(0));
        StorageRef known = views.get(viewKey);
        if (known != null) {
            return known;
        }
        long offset = Py.asLong(v.get(1));
        long size = Py.asLong(v.get(2));
        if (offset < 0 || size < 0 || offset > rootRef.numel() || size > rootRef.numel() - offset) {
            throw new PickleError("storage view '" + viewKey + "' (offset " + offset + ", size " + size
                    + ") lies outside storage '" + key + "' of " + rootRef.numel() + " elements");
        }
        budget.charge(PickleBudget.OBJECT);
        StorageRef s = new StorageRef(viewKey, rootRef.dtype(), size, rootRef.location(), key, offset * rootRef.dtype().size());
        views.put(viewKey, s);
        return s;
    }

    private void locateStorages(List<?> keys, long start) throws IOException {
        long size = channel.size();
        long pos = start;
        for (Object k : keys) {
            String key = ZipTorchFile.ascii(k);
            StorageRef s = key == null ? null : roots.get(key);
            if (s == null) {
                throw new ModelException(file + ": the storage key list names " + (key == null ? "a " + Py.typeName(k) : "'" + key + "'")
                        + ", which the pickle never uses");
            }
            if (size - pos < 8) {
                throw new ModelException(file + ": storage '" + key + "' is missing: the file ends at byte " + size
                        + " (truncated?)");
            }
            ByteBuffer head = ByteBuffer.allocate(8).order(order);
            readFully(head, pos);
            long count = head.flip().getLong();
            long available = size - pos - 8;
            if (count < 0 || count > available / s.dtype().size()) {
                throw new ModelException(file + ": storage '" + key + "' claims " + Long.toUnsignedString(count) + " "
                        + s.dtype().torchName() + " elements but only " + available + " bytes remain in the file");
            }
            if (count < s.numel()) {
                throw new ModelException(file + ": storage '" + key + "' holds " + count + " elements but the pickle claims "
                        + s.numel());
            }
            recordStart.put(key, pos + 8);
            recordBytes.put(key, count * s.dtype().size());
            pos += 8 + count * s.dtype().size();
        }
        for (String key : roots.keySet()) {
            if (!recordStart.containsKey(key)) {
                throw new ModelException(file + ": storage '" + key + "' is used by the pickle but has no data in the file");
            }
        }
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                throw new ModelException(file + ": the file ends early at byte " + pos + " (truncated?)");
            }
            pos += n;
        }
    }

    @Override
    public byte[] read(StorageRef storage, long offset, int length) throws IOException {
        long start = storage.byteOffset() + offset;
        if (start + length > recordBytes.get(storage.record())) {
            throw new ModelException(file + ": read past the end of storage '" + storage.record() + "'");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        readFully(b, recordStart.get(storage.record()) + start);
        return b.array();
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
        return "legacy";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package dev.rnnport.backend.onnxruntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last few loaded graphs, so repeated runs of one network (parity checks, benchmarks) do not
 * rebuild an ONNX Runtime session each time. A bounded LRU: the least recently used session is
 * closed when another one is needed, and all are closed by {@link #close()}. Not thread-safe: the
 * backend serialises access.
 */
final class SessionCache implements AutoCloseable {
    private final int capacity;
    private final Map<Object, OrtModel> models;

    SessionCache(int capacity) {
        this.capacity = capacity;
        this.models = new LinkedHashMap<>(16, 0.75f, true);
    }

    OrtModel get(Object key, Supplier<OrtModel> load) {
        OrtModel m = models.get(key);
        if (m != null) {
            return m;
        }
        m = load.get();
        models.put(key, m);
        if (models.size() > capacity) {
            var eldest = models.entrySet().iterator().next();
            models.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return m;
    }

    int size() {
        return models.size();
    }

    @Override
    public void close() {
        List<OrtModel> all = new ArrayList<>(models.values());
        models.clear();
        RuntimeException first = null;
        for (OrtModel m : all) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

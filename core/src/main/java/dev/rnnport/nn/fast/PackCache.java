package dev.rnnport.nn.fast;

import dev.rnnport.nn.DirectionWeights;
import dev.rnnport.nn.NetworkConfig;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packed weights per {@link DirectionWeights} object, so that a network is packed on its first run
 * and not again. Keyed by identity, not by value: DirectionWeights is a record of tensors whose
 * equality compares every weight, far too slow for a lookup; a network's weights are treated as
 * immutable once it runs. Entries are weak: a network no longer in use takes its packing with it.
 */
final class PackCache {
    /** A weights object may be packed for both panel widths (small passes run the plain-Java path). */
    private static final Map<Key, List<PackedDirection>> PACKS = new HashMap<>();
    private static final ReferenceQueue<DirectionWeights> GONE = new ReferenceQueue<>();
    private static final int MAX_PER_WEIGHTS = 4;

    private PackCache() {
    }

    static PackedDirection get(DirectionWeights w, NetworkConfig cfg, int nr) {
        Key key = new Key(w, null);
        synchronized (PACKS) {
            expunge();
            for (PackedDirection p : PACKS.getOrDefault(key, List.of())) {
                if (p.fits(cfg, nr)) {
                    return p;
                }
            }
        }
        PackedDirection packed = PackedDirection.pack(w, cfg, nr);
        synchronized (PACKS) {
            List<PackedDirection> all = new ArrayList<>(PACKS.getOrDefault(key, List.of()));
            all.add(0, packed);
            PACKS.remove(key);
            PACKS.put(new Key(w, GONE), List.copyOf(all.subList(0, Math.min(all.size(), MAX_PER_WEIGHTS))));
        }
        return packed;
    }

    static int size() {
        synchronized (PACKS) {
            expunge();
            return PACKS.size();
        }
    }

    private static void expunge() {
        for (Object k; (k = GONE.poll()) != null; ) {
            PACKS.remove(k);
        }
    }

    /** A weak reference that compares by the identity of its referent. */
    private static final class Key extends WeakReference<DirectionWeights> {
        private final int hash;

        Key(DirectionWeights w, ReferenceQueue<DirectionWeights> queue) {
            super(w, queue);
            this.hash = System.identityHashCode(w);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object mine = get();
            return o instanceof Key k && mine != null && mine == k.get();
        }
    }
}

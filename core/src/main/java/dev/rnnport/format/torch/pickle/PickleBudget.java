package dev.rnnport.format.torch.pickle;

/**
 * Running estimate of the memory a pickle's objects take, shared by every pickle of one file (a
 * legacy torch.save file holds several). The costs are rough JVM sizes; what matters is that
 * they grow with what a pickle makes and are charged before it is made.
 */
public final class PickleBudget {
    public static final long OBJECT = 64;
    static final long SLOT = 8;
    static final long BOX = 24;

    private final long limit;
    private long used;

    public PickleBudget(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    long used() {
        return used;
    }

    /** Reserves {@code bytes}; throws if the pickle would need more than the limit. */
    public void charge(long bytes) {
        if (bytes < 0 || bytes > limit - used) {
            throw new PickleError("the pickle needs more than " + mib(limit)
                    + " of memory (the limit for this JVM's heap); it was refused before allocating it");
        }
        used += bytes;
    }

    public static String mib(long bytes) {
        return bytes >= (1 << 20) ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}

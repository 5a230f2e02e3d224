package dev.rnnport.format.torch.pickle;

/**
 * Bounds that keep a hostile pickle from exhausting memory or stack. Every one is checked before
 * the memory it guards is allocated.
 *
 * @param maxMemo       memo indices allowed (an index is refused, not merely a count: CPython's
 *                      array memo turns one huge LONG_BINPUT index into a huge allocation)
 * @param maxStack      values on the unpickler's stack
 * @param maxNesting    open MARKs, tuple nesting, and container depth when walking the result; real
 *                      pickles stay far below it because Python's pickler recurses
 * @param maxAllocation bytes the unpickled objects may take, as estimated by {@link PickleBudget},
 *                      the pickle bytes themselves included
 */
public record PickleLimits(int maxMemo, int maxStack, int maxNesting, long maxAllocation) {

    /**
     * Generous for real checkpoints; the allocation is {@link dev.rnnport.util.ReadLimits}'s byte
     * cap (a quarter of this JVM's heap unless raised), so that running out is a clear refusal and
     * not an OutOfMemoryError.
     */
    public static PickleLimits defaults() {
        return new PickleLimits(50_000_000, 5_000_000, 1000, dev.rnnport.util.ReadLimits.defaults().maxBytes());
    }
}

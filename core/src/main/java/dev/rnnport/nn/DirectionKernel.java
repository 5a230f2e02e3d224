package dev.rnnport.nn;

/**
 * The cell maths behind one interface, so that a faster implementation can replace
 * {@link NaiveKernel} without touching shape handling, layers or directions.
 */
public interface DirectionKernel {
    void run(DirectionPass pass);

    /**
     * Independent passes (the two directions of one layer), each as {@link #run} computes it; a
     * kernel with threads to spare may run them at once.
     */
    default void runAll(java.util.List<DirectionPass> passes) {
        for (DirectionPass p : passes) {
            run(p);
        }
    }
}

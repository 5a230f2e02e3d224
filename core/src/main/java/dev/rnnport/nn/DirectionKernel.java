package dev.rnnport.nn;

/**
 * The cell maths behind one interface, so that a faster implementation can replace
 * {@link NaiveKernel} without touching shape handling, layers or directions.
 */
public interface DirectionKernel {
    void run(DirectionPass pass);
}

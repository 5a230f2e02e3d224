package dev.rnnport.spark;

import dev.rnnport.RnnportException;

/**
 * A row the scorer cannot score (null, empty or wrongly sized sequence, a refused NaN, a bad
 * length), when no error column is set: the job fails with this one line, which names the row.
 */
public final class BadRowException extends RnnportException {
    public BadRowException(String row, String problem) {
        super(Kind.MALFORMED, row + ": " + problem);
    }
}

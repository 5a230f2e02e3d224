package dev.rnnport.nn;

import dev.rnnport.ModelException;

/**
 * Settings no network can have: a size that is not positive, proj_size on a GRU, a dropout of 1,
 * the wrong number of activations. Thrown by {@link NetworkConfig} and {@link CellOptions} when
 * they are built, so that a reader which wraps {@link ModelException} names the file as well.
 * Kind {@link Kind#MALFORMED}.
 */
public class ConfigException extends ModelException {
    public ConfigException(String message) {
        super(Kind.MALFORMED, message);
    }
}

package dev.rnnport.spark;

import dev.rnnport.nn.Precision;
import java.io.Serializable;

/**
 * What a scoring task needs besides the model, resolved on the driver from the transformer's
 * parameters and the input schema.
 *
 * @param networkName     the network to take from the file, or null for its only one
 * @param inputIndex      field index of the sequence column
 * @param lengthsIndex    field index of the lengths column, or -1
 * @param keyIndex        field index of the key column, or -1
 * @param keyName         the key column's name, for messages (null without one)
 * @param withErrorColumn whether a bad row gets null results and its problem in an error column, rather than failing
 * @param batchSize       sequences per engine call
 * @param precision       float32 or float64 arithmetic
 * @param refuseNonFinite whether NaN or infinite features make a row bad
 * @param strategy        how sequences of different lengths share a batch
 */
public record ScoringSettings(String networkName, int inputIndex, int lengthsIndex, int keyIndex, String keyName,
                              boolean withErrorColumn, int batchSize, Precision precision, boolean refuseNonFinite,
                              BatchStrategy strategy) implements Serializable {
}

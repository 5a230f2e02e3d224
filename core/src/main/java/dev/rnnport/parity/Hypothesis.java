package dev.rnnport.parity;

import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.nn.RunInputs;

/**
 * A classic conversion mistake, as something that can be tried: the network (and inputs) that
 * someone who made the mistake would have run. If running that mistaken network natively
 * reproduces a disagreeing result, the mistake is the likely cause.
 *
 * @param description what the mistake is, in words that complete "matches if ..."
 * @param scoped      the mistake can be made in one layer and direction alone (a gate order, a bias),
 *                    so it is also tried there; otherwise only on the whole network
 * @param network     the mistaken network, within a scope
 * @param inputs      the mistaken inputs (most mistakes leave them alone)
 */
record Hypothesis(String description, boolean scoped, NetworkChange network, InputChange inputs) {

    /** Which directions a mistake is applied to: every one, or one layer's one direction. */
    record Scope(int layer, int direction) {
        static final Scope ALL = new Scope(-1, -1);

        boolean covers(int l, int d) {
            return (layer < 0 || layer == l) && (direction < 0 || direction == d);
        }
    }

    @FunctionalInterface
    interface NetworkChange {
        /** The mistaken network, or null when the mistake cannot be made on this network. */
        RecurrentNetwork apply(RecurrentNetwork net, Scope scope);
    }

    @FunctionalInterface
    interface InputChange {
        /** The mistaken inputs, or null when the mistake cannot be made on these inputs. */
        RunInputs apply(RunInputs in, RecurrentNetwork net);
    }

    static final InputChange SAME_INPUTS = (in, net) -> in;
}

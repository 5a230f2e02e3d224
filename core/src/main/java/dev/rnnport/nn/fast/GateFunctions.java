package dev.rnnport.nn.fast;

import dev.rnnport.nn.Activation;
import dev.rnnport.nn.NetworkConfig;
import java.util.List;

/**
 * The activations, clip and input-forget flag of one direction, as the element-wise gate updates
 * need them: f is the gate function, g the candidate's, h the LSTM cell output's.
 */
record GateFunctions(Activation f, Activation g, Activation h, float clip, boolean hasClip, boolean inputForget) {

    static GateFunctions of(NetworkConfig cfg, boolean reverse) {
        List<Activation> acts = cfg.options().activations(reverse);
        return new GateFunctions(acts.get(0), acts.size() > 1 ? acts.get(1) : null, acts.size() > 2 ? acts.get(2) : null,
                (float) cfg.options().clip(), cfg.options().hasClip(), cfg.options().inputForget());
    }

    /** The scalar path: the activation in double, rounded to float, as the reference kernel does. */
    static float apply(Activation a, float x) {
        return (float) a.apply(x);
    }

    float clip(float x) {
        return hasClip ? Math.max(-clip, Math.min(clip, x)) : x;
    }
}

package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;

/** dx/dt = v(x, t): what an ODE sampler integrates. A vocoder supplies one; the sampler does not know which. */
@FunctionalInterface
public interface VelocityField {

    /**
     * @param x the state, e.g. (B, T)
     * @param t time in [0, 1], the same for the whole batch
     * @return v(x, t), same shape as x, owned by x's manager
     */
    NDArray at(NDArray x, float t);
}

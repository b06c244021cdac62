package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import dev.tessera.core.nn.Scalars;

/** Euler: x <- x + dt v(x, t). First order, one evaluation per step. */
public final class EulerSampler extends FlowSampler {

    @Override
    protected NDArray step(VelocityField field, NDArray x, float t, float dt) {
        return x.add(Scalars.times(field.at(x, t), dt));
    }

    @Override
    public int evaluations(int steps) {
        return steps;
    }

    @Override
    public String name() {
        return "euler";
    }
}

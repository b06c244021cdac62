package dev.tessera.audio.vocoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A fixed-step ODE solver from t = 0 to t = 1 over N uniform steps (audio spec 2.5). Temporaries of a
 * step live in a scope closed after it; the result belongs to the start state's manager.
 */
public abstract class FlowSampler {

    /** x(1) from x(0) = {@code start} in {@code steps} uniform steps. {@code start} is left as it is. */
    public final NDArray integrate(VelocityField field, NDArray start, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        NDManager owner = start.getManager();
        float dt = 1f / steps;
        NDArray x = start;
        for (int i = 0; i < steps; i++) {
            try (NDManager scope = owner.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(scope);
                NDArray next = step(field, xs, i * dt, dt);
                next.attach(owner);
                if (x != start) {
                    x.close();
                }
                x = next;
            }
        }
        return x;
    }

    /** One step of size dt from (x, t); arrays made here belong to x's manager. */
    protected abstract NDArray step(VelocityField field, NDArray x, float t, float dt);

    /** Network evaluations for {@code steps} steps. */
    public abstract int evaluations(int steps);

    public abstract String name();
}

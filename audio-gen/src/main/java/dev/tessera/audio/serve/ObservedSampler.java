package dev.tessera.audio.serve;

import ai.djl.ndarray.NDArray;
import dev.tessera.audio.vocoder.FlowSampler;
import dev.tessera.audio.vocoder.VelocityField;
import dev.tessera.core.nn.Scalars;

/**
 * Any {@link FlowSampler}, with a {@link StepListener} told after each of its steps, so a server can
 * report progress and stop between steps without the solver knowing about servers.
 *
 * <p>How it runs the inner solver one step at a time: the step from t to t + dt is the inner solver's
 * single step of size 1 on the rescaled field u(y, s) = dt * v(y, t + s dt), s in [0, 1]; that is x(t + s dt)
 * written as a function of s, so Euler and midpoint (and any other fixed-step solver) evaluate v at exactly
 * the same points with exactly the same weights. Multiplying by dt in u and then by the inner step's
 * 1 (Euler), or by 1/2 (midpoint), rounds exactly as the plain solver does, so the result is bit-equal to
 * the plain sampler ({@code ObservedSamplerTest}).
 */
public final class ObservedSampler extends FlowSampler {

    private final FlowSampler inner;
    private final StepListener listener;
    private int steps;
    private int done;

    public ObservedSampler(FlowSampler inner, StepListener listener) {
        this.inner = inner;
        this.listener = listener;
    }

    /** Integrates with {@code steps} steps, telling the listener after each. */
    public NDArray run(VelocityField field, NDArray start, int stepCount) {
        this.steps = stepCount;
        this.done = 0;
        return integrate(field, start, stepCount);
    }

    @Override
    protected NDArray step(VelocityField field, NDArray x, float t, float dt) {
        VelocityField rescaled = (y, s) -> Scalars.times(field.at(y, t + s * dt), dt);
        NDArray next = inner.integrate(rescaled, x, 1);
        done++;
        listener.afterStep(done, steps);
        return next;
    }

    @Override
    public int evaluations(int stepCount) {
        return inner.evaluations(stepCount);
    }

    @Override
    public String name() {
        return inner.name();
    }
}

package dev.tessera.audio.serve;

/**
 * Told after each ODE step of a vocoding; where a server reports progress and stops a cancelled job.
 * Throwing (e.g. {@link dev.tessera.core.bus.JobCancelledException}) ends the integration at once; every
 * array of the interrupted step is freed with its scope.
 */
@FunctionalInterface
public interface StepListener {

    StepListener NONE = (step, steps) -> { };

    /** Step {@code step} of {@code steps} (1-based) is done. */
    void afterStep(int step, int steps);
}

package dev.tessera.core.train;

/**
 * Learning rate as a function of the step: a linear warm-up from 0 to {@code peak} over
 * {@code warmupSteps}, then a half cosine from {@code peak} down to {@code min} at {@code totalSteps}
 * (the shape of nanoGPT's and Hugging Face's {@code get_cosine_schedule_with_warmup}).
 *
 * <p>The rate is a pure function of the step, never of how many updates this process has done, so a
 * resumed run uses the same rates as an uninterrupted one.
 *
 * @param peak rate at the end of warm-up
 * @param min rate at {@code totalSteps} and after
 * @param warmupSteps length of the linear ramp; 0 starts at {@code peak}
 * @param totalSteps step at which the cosine reaches {@code min}
 */
public record WarmupCosineSchedule(double peak, double min, long warmupSteps, long totalSteps) {

    public WarmupCosineSchedule {
        if (!(peak > 0) || !(min >= 0 && min <= peak)) {
            throw new IllegalArgumentException("need 0 <= min <= peak and peak > 0, got min=" + min + " peak=" + peak);
        }
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got warmupSteps="
                    + warmupSteps + " totalSteps=" + totalSteps);
        }
    }

    public static WarmupCosineSchedule of(TrainConfig c) {
        return new WarmupCosineSchedule(c.learningRate(), c.minLearningRate(), c.warmupSteps(), c.steps());
    }

    /** The rate for the update with this 0-based index (step 0 = the first update). */
    public double rate(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (step >= totalSteps) {
            return min;
        }
        long decaySteps = totalSteps - warmupSteps;
        double progress = (double) (step - warmupSteps) / decaySteps; // in [0, 1)
        return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
    }
}

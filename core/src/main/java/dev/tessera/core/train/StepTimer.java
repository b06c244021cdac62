package dev.tessera.core.train;

/**
 * Wall time per training step from progress reports, the first step (libtorch's warm-up, first allocations)
 * apart: what the mains' {@code --time N} print to size a run.
 */
public final class StepTimer implements TrainingListener {

    private final long start = System.nanoTime();
    private long firstEnd;
    private long last;
    private int steps;

    @Override
    public void onProgress(TrainingProgress p) {
        long now = System.nanoTime();
        if (steps == 0) {
            firstEnd = now;
        }
        last = now;
        steps++;
    }

    /** Seconds from construction to the first report. */
    public double firstSeconds() {
        return (firstEnd - start) / 1e9;
    }

    /** Mean seconds per step after the first, NaN before two reports. */
    public double secondsPerStepAfterFirst() {
        return steps > 1 ? (last - firstEnd) / 1e9 / (steps - 1) : Double.NaN;
    }
}

package dev.tessera.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a model gives the {@link Trainer}: its network and how to compute a loss. The trainer owns
 * everything else (optimizer, schedule, clipping, EMA, checkpoints, progress).
 *
 * <p>A step's data must be a function of the step alone: draw it from {@code random}, which is
 * {@code Seeds.stream("data", step)}. libtorch is re-seeded with {@code Seeds.seedEngine("train", step)}
 * before each step, so dropout and noise are a function of the step too. Together these make a
 * resumed run continue exactly as if it had never stopped.
 */
public interface TrainingTask {

    /** A short name for logs and the progress bar. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** The network to train, initialized (every parameter has its float32 array). Called once. */
    Block block();

    /**
     * The loss of one training step. Run the forward pass with {@code training = true}; create every
     * array in {@code manager} (the step's, closed after the update).
     *
     * @param manager the step's manager
     * @param random this step's data generator
     * @param step 0-based step index
     */
    StepLoss loss(NDManager manager, SplittableRandom random, long step);

    /**
     * Metrics on held-out data (e.g. {@code loss}, {@code mse}); they are reported with a {@code val.}
     * prefix. Runs without a gradient collector, every {@code validateEvery} steps and at the end.
     *
     * @param manager a manager closed after the call
     * @param step updates done so far
     */
    default Map<String, Double> validate(NDManager manager, long step) {
        return Map.of();
    }
}

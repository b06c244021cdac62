package dev.tessera.core.train;

import java.util.List;

/**
 * A model's training command, run by {@code tessera train <name>} and found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.tessera.core.train.TrainingEntryPoint}),
 * so the launcher never names a model. The entry point owns its data layout, defaults and extra flags;
 * it checks them before any long work starts.
 */
public interface TrainingEntryPoint {

    /** Name on the command line, e.g. {@code vocoder}. */
    String name();

    /** One line for {@code tessera train --help}. */
    String description();

    /**
     * Help lines for the flags this model takes beyond the common ones, e.g.
     * {@code "--batch N   clips per step (8)"}; shown by {@code tessera train --help}.
     */
    default List<String> extraOptions() {
        return List.of();
    }

    /**
     * Checks the options and runs the training to its end (or until cancelled), with progress on the
     * terminal.
     *
     * @throws IllegalArgumentException for a usage mistake (unknown extra flag, bad value), before any work
     * @throws Exception for a failure, with a message a person can act on
     */
    void train(TrainingOptions options) throws Exception;
}

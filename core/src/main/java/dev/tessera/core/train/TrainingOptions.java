package dev.tessera.core.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The flags {@code tessera train <model>} gives every {@link TrainingEntryPoint}; null means "the
 * model's default".
 *
 * @param data folder of the training data, or null
 * @param steps optimizer steps of the run, or null
 * @param out run folder (checkpoints, logs), or null
 * @param resume continue from the newest checkpoint in the run folder
 * @param extra model-specific flags and their values, in command-line order, e.g. {@code --batch 4}
 */
public record TrainingOptions(Path data, Long steps, Path out, boolean resume, List<String> extra) {

    public TrainingOptions {
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        extra = List.copyOf(extra);
    }
}

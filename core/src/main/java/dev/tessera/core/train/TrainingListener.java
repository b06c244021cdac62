package dev.tessera.core.train;

import java.nio.file.Path;

/**
 * Follows a training run. Calls come on the training thread, between steps: keep them short (the
 * server's listener only publishes an event). A listener may call {@link Trainer#cancel()}.
 */
public interface TrainingListener {

    /** After every step. */
    void onProgress(TrainingProgress progress);

    /** After a checkpoint of {@code step} updates was written to {@code file}. */
    default void onCheckpoint(long step, Path file) {
    }

    /** Once, when {@link Trainer#fit()} returns (finished or cancelled); not when it throws. */
    default void onEnd(TrainingResult result) {
    }
}

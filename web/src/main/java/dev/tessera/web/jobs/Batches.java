package dev.tessera.web.jobs;

import java.nio.file.Path;

/**
 * A node's batch rendering, as {@link BatchRoutes} and {@code /ready} see it: the store, the output folder,
 * the folder audio inputs are read from (null: inline inputs only) and the runner (to wake after a submission).
 */
public record Batches(JobStore store, OutputFiles outputs, Path inputs, BatchRunner runner) {
}

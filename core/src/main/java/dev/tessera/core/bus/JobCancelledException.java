package dev.tessera.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * Thrown by {@link JobContext#checkCancelled()} when a running job must stop at this step: cancelled
 * ({@link FailureCode#CANCELLED}), out of time ({@link FailureCode#DEADLINE_EXCEEDED}, phase
 * {@code running}) or stopped because its model shuts down ({@link FailureCode#NOT_READY}).
 */
public final class JobCancelledException extends JobFailure {

    private final String jobId;

    public JobCancelledException(String jobId, FailureCode code, String message) {
        super(code, message, code == FailureCode.NOT_READY ? 1_000 : -1,
                code == FailureCode.DEADLINE_EXCEEDED ? new JsonObject().put("phase", "running") : null, null);
        this.jobId = jobId;
    }

    /** The job that was stopped. */
    public String jobId() {
        return jobId;
    }
}

package dev.tessera.core.bus;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What model code sees of one job while it runs: its id and deadline, a way to report progress, and
 * whether it must stop. A model calls {@link #progress} and {@link #checkCancelled()} at each step
 * (denoising step, token, chunk), which is where a cancel or an expired deadline takes effect.
 *
 * <p>Thread-safe: the model's worker thread reports and checks, while the verticle's context (a cancel
 * message, the deadline timer) calls {@link #stop}.
 */
public final class JobContext {

    /** {@code deadlineNanos} value of a job without a deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final String jobId;
    private final long deadlineNanos;
    private final Consumer<JobProgress> sink;
    private volatile JobCancelledException stop;
    private double lastOverall;

    /**
     * @param jobId the job's id
     * @param deadlineNanos {@link System#nanoTime()} by which the job must end, or {@link #NO_DEADLINE}
     * @param sink where progress goes (the verticle publishes it on the job's progress address)
     */
    public JobContext(String jobId, long deadlineNanos, Consumer<JobProgress> sink) {
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.deadlineNanos = deadlineNanos;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** A context outside any verticle (the CLI, tests): no deadline, progress goes to {@code sink}. */
    public static JobContext detached(String jobId, Consumer<JobProgress> sink) {
        return new JobContext(jobId, NO_DEADLINE, sink);
    }

    public String jobId() {
        return jobId;
    }

    public boolean hasDeadline() {
        return deadlineNanos != NO_DEADLINE;
    }

    /** The {@link System#nanoTime()} deadline, or {@link #NO_DEADLINE}. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Milliseconds left before the deadline (negative once past); {@link Long#MAX_VALUE} without one. */
    public long remainingMillis() {
        return hasDeadline() ? Math.floorDiv(deadlineNanos - System.nanoTime(), 1_000_000L) : Long.MAX_VALUE;
    }

    /** Reports step {@code step} of {@code total} of a one-stage job. */
    public void progress(int step, int total) {
        progress("", 0, 1, step, total, null);
    }

    /** Reports step {@code step} of {@code total} of a one-stage job, with a partial result to show. */
    public void progress(int step, int total, TesseraPayload.Blob preview) {
        progress("", 0, 1, step, total, preview);
    }

    /**
     * Reports progress within stage {@code stageIndex} of {@code stageCount}. The overall fraction is
     * {@code (stageIndex + step/total) / stageCount}, held at its highest value so far so that it never goes
     * backwards (a stage that restarts, a shorter second stage).
     */
    public void progress(String stage, int stageIndex, int stageCount, int step, int total,
                         TesseraPayload.Blob preview) {
        double overall;
        synchronized (this) {
            double now = (stageIndex + (double) step / total) / stageCount;
            overall = Math.min(1.0, Math.max(lastOverall, now));
            lastOverall = overall;
        }
        sink.accept(new JobProgress(jobId, step, total, stage, stageIndex, stageCount, overall, preview));
    }

    /** Whether the job must stop at this step: cancelled, past its deadline, or its model shuts down. */
    public boolean isCancelled() {
        return stop != null || (hasDeadline() && System.nanoTime() - deadlineNanos >= 0);
    }

    /** Throws the reason to stop, if there is one; call at every step. */
    public void checkCancelled() throws JobCancelledException {
        JobCancelledException reason = stopReason();
        if (reason != null) {
            throw reason;
        }
    }

    /** Why the job must stop, or null while it may go on. */
    public JobCancelledException stopReason() {
        JobCancelledException s = stop;
        if (s == null && hasDeadline() && System.nanoTime() - deadlineNanos >= 0) {
            stop(FailureCode.DEADLINE_EXCEEDED, "the deadline passed while job " + jobId + " was running");
            s = stop;
        }
        return s;
    }

    /**
     * Asks the job to stop at its next step; the first reason wins.
     *
     * @param code {@link FailureCode#CANCELLED}, {@link FailureCode#DEADLINE_EXCEEDED} or
     *     {@link FailureCode#NOT_READY} (the model shuts down)
     * @return whether this call set the reason
     */
    public synchronized boolean stop(FailureCode code, String message) {
        if (stop != null) {
            return false;
        }
        stop = new JobCancelledException(jobId, code, message);
        return true;
    }
}

package dev.tessera.core.bus;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted request of a model: its id, the request as the model parsed it, and its
 * {@link JobContext}. A job is answered exactly once; {@link #markDone()} decides which answer wins.
 *
 * @param <R> the model's parsed request type
 */
public final class Job<R> implements BatchQueue.Entry {

    private final R request;
    private final JobContext context;
    private final Object batchKey;
    private final long enqueuedNanos;
    private final String front;
    private final AtomicBoolean done = new AtomicBoolean();

    /**
     * @param request the parsed, validated request
     * @param context the job's id, deadline, progress and stop flag
     * @param batchKey requests with equal keys may share a batch
     * @param enqueuedNanos {@link System#nanoTime()} at admission
     * @param front the front end that sent it ({@code ws}, {@code rest}, {@code batch}, {@code bus}), for metrics
     */
    public Job(R request, JobContext context, Object batchKey, long enqueuedNanos, String front) {
        this.request = request;
        this.context = Objects.requireNonNull(context, "context");
        this.batchKey = Objects.requireNonNull(batchKey, "batchKey");
        this.enqueuedNanos = enqueuedNanos;
        this.front = front;
    }

    public String id() {
        return context.jobId();
    }

    public R request() {
        return request;
    }

    public JobContext context() {
        return context;
    }

    public String front() {
        return front;
    }

    @Override
    public Object batchKey() {
        return batchKey;
    }

    @Override
    public long enqueuedNanos() {
        return enqueuedNanos;
    }

    @Override
    public long deadlineNanos() {
        return context.deadlineNanos();
    }

    /** Whether the job has been answered (or its answer is on its way). */
    public boolean isDone() {
        return done.get();
    }

    /** Claims the right to answer this job; true exactly once. */
    public boolean markDone() {
        return done.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "Job[" + id() + "]";
    }
}

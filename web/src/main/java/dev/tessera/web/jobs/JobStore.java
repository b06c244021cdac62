package dev.tessera.web.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Where batch items live (serving spec 1 and 3.4): batches, their items with state and outputs, and every
 * attempt to run an item. Implemented over SQLite ({@link JobStores#sqlite}, the default) and PostgreSQL
 * ({@link JobStores#postgres}, for a cluster) by one {@link SqlJobStore}; every call is asynchronous and
 * never blocks the caller's thread.
 *
 * <p>The "never completed twice" protocol: {@link #claim} takes the oldest queued item of a lane with a
 * fresh lease token (attempt n+1) and an expiry; the worker {@link #renew}s it while it runs, writes its
 * output under an attempt-specific name, renames it, and then {@link #complete}s, which is a compare-and-set
 * on (item id, lease token): a worker whose lease expired and was taken over loses, so at most one attempt
 * per item ever records success. {@link #requeueAbandoned} puts items whose lease expired back in the
 * queue, up to {@link #MAX_ATTEMPTS} attempts.
 */
public interface JobStore {

    /** Attempts per item before an expired or failing item is marked failed. */
    int MAX_ATTEMPTS = 3;

    /** Item and attempt states. */
    String QUEUED = "queued";
    String RUNNING = "running";
    String SUCCEEDED = "succeeded";
    String FAILED = "failed";
    String CANCELLED = "cancelled";

    /** A short description for logs and {@code /ready}, e.g. {@code sqlite:/srv/jobs.db}; no password. */
    String describe();

    /**
     * True when one process owns the store (SQLite, locked exclusively): every running item found at start
     * belongs to a process that is gone and can be requeued at once, without waiting for its lease.
     */
    boolean exclusive();

    /** Succeeds when the store answers a trivial query ({@code /ready}). */
    Future<Void> ping();

    /**
     * Stores a new batch with every item queued, or, when {@code batch.idempotencyKey()} was used before
     * with the same body hash, returns that batch ({@code created == false}). Fails with
     * {@link KeyConflict} when the key was used with a different body.
     */
    Future<Submitted> submit(NewBatch batch);

    Future<Optional<BatchStatus>> batch(String id);

    /** The batch submitted with this idempotency key, if any. */
    Future<Optional<BatchStatus>> batchByKey(String key);

    /** One page of batches, newest first, starting after the batch id {@code after} (null: from the newest). */
    Future<List<BatchStatus>> batches(int limit, String after);

    /** Every item of a batch, in submission order. */
    Future<List<ItemStatus>> items(String batchId);

    /** The item of a batch whose output is called {@code name}, if any. */
    Future<Optional<ItemStatus>> item(String batchId, String output);

    /** Claims the oldest queued item of {@code lane} for {@code leaseMs}, or empty when none is queued. */
    Future<Optional<Lease>> claim(String lane, String owner, long leaseMs);

    /** Extends a lease; false when it is no longer this worker's (expired and taken over, or cancelled). */
    Future<Boolean> renew(Lease lease, long leaseMs);

    /** Records success if {@code lease} still holds the item (compare-and-set on id and token). */
    Future<Boolean> complete(Lease lease, Output output);

    /** Puts a claimed item back in the queue without counting the attempt (the model was busy). */
    Future<Boolean> release(Lease lease);

    /**
     * Records a failed attempt: the item is queued again when {@code retry} and attempts remain, otherwise
     * it fails with {@code code} and {@code message}. Returns the item's new state, or empty when the lease
     * was lost.
     */
    Future<Optional<String>> fail(Lease lease, String code, String message, boolean retry);

    /**
     * Requeues running items whose lease has expired (all running items when {@code allRunning}, for an
     * exclusive store at start-up); an item out of attempts fails. Returns the abandoned leases, so their
     * workers' temporary files can be removed.
     */
    Future<List<Lease>> requeueAbandoned(boolean allRunning);

    /** Whether {@code token} is the lease of a running item. */
    Future<Boolean> isActive(String token);

    /** Cancels every queued item of a batch; running items finish. Empty for an unknown batch. */
    Future<Optional<CancelResult>> cancel(String batchId);

    /** Every attempt at the items of a batch, in the order they started. */
    Future<List<Attempt>> attempts(String batchId);

    /**
     * Records a studio job (serving spec 1): inserts it, or replaces its state and summary. {@code summary} is
     * what {@code GET /api/v1/jobs/{id}} and {@code resync} show: {@code {jobId, model, state, progress}} and,
     * once it ended, its terminal event's type and data (outputs and their URLs, or the error).
     */
    Future<Void> saveStudioJob(StudioRecord job);

    /** A studio job by id, or empty for an id the store has never seen. */
    Future<Optional<StudioRecord>> studioJob(String id);

    /** The newest {@code limit} studio jobs of a client, newest first. */
    Future<List<StudioRecord>> studioJobs(String clientId, int limit);

    /**
     * Marks studio jobs that were queued or running and last written before {@code updatedBefore} as
     * {@code failed} with the error {@code interrupted} (serving spec 1: after a restart an unfinished
     * interactive job reads failed/interrupted). Returns how many.
     */
    Future<Integer> interruptStudioJobs(long updatedBefore);

    Future<Void> close();

    /**
     * One studio job as the store keeps it.
     *
     * @param summary {@code {jobId, model, state, progress}} plus the terminal event ({@code result},
     *     {@code error} or {@code cancelled}) once there is one
     */
    record StudioRecord(String id, String clientId, String model, String state, JsonObject summary, long createdAt,
                        long updatedAt) {
    }

    /** One item as submitted: {@code lane} is the bus address that renders it. */
    record ItemSpec(int index, String kind, String model, String lane, JsonObject params, String output) {
    }

    /** A batch to store: its items are already validated. */
    record NewBatch(String name, String idempotencyKey, String bodySha256, List<ItemSpec> items) {
    }

    record Submitted(BatchStatus batch, boolean created) {
    }

    record Counts(int queued, int running, int succeeded, int failed, int cancelled) {

        public int total() {
            return queued + running + succeeded + failed + cancelled;
        }

        public JsonObject toJson() {
            return new JsonObject().put(QUEUED, queued).put(RUNNING, running).put(SUCCEEDED, succeeded)
                    .put(FAILED, failed).put(CANCELLED, cancelled);
        }
    }

    /**
     * A batch's state, derived from its items (serving spec 3.4): {@code queued} before any item started,
     * {@code running} while any is queued or running after that, then {@code succeeded} (all did),
     * {@code cancelled} (some were cancelled), {@code failed} (none succeeded) or {@code partial}.
     */
    record BatchStatus(String id, String name, Counts counts, boolean cancelRequested, long createdAt,
                       long updatedAt) {

        public String state() {
            Counts c = counts;
            if (c.queued() + c.running() > 0) {
                return c.running() + c.succeeded() + c.failed() + c.cancelled() > 0 ? RUNNING : QUEUED;
            }
            if (c.cancelled() > 0) {
                return CANCELLED;
            }
            if (c.failed() == 0) {
                return SUCCEEDED;
            }
            return c.succeeded() == 0 ? FAILED : "partial";
        }

        /** The finished fraction of items, in [0, 1]. */
        public double overall() {
            int total = counts.total();
            return total == 0 ? 1 : (counts.succeeded() + counts.failed() + counts.cancelled()) / (double) total;
        }

        public boolean finished() {
            return counts.queued() + counts.running() == 0;
        }
    }

    record ItemStatus(String id, String batchId, int index, String kind, String model, String output, String state,
                      int attempts, String errorCode, String errorMessage, long bytes, String sha256, String mime,
                      long updatedAt) {
    }

    /** A claimed item: what to render, and the lease that must still hold to record the result. */
    record Lease(String itemId, String batchId, int index, String kind, String model, String lane, JsonObject params,
                 String output, int attempt, String token) {
    }

    /** A published output. */
    record Output(long bytes, String sha256, String mime) {
    }

    /** One attempt at an item; {@code outcome} is null while it runs. */
    record Attempt(String itemId, int index, int attempt, String token, String owner, String outcome, long startedAt,
                   long endedAt) {
    }

    /**
     * @param cancelled true when queued items were cancelled now or by an earlier cancel; false when the batch
     *     had already finished
     * @param items how many queued items this call cancelled
     */
    record CancelResult(boolean cancelled, int items, BatchStatus batch) {
    }

    /** An idempotency key reused with a different body (HTTP 409). */
    final class KeyConflict extends RuntimeException {
        public final String batchId;

        public KeyConflict(String key, String batchId) {
            super("the Idempotency-Key '" + key + "' was used for batch " + batchId + " with a different body; "
                    + "use a new key for a new batch", null, false, false);
            this.batchId = batchId;
        }
    }
}

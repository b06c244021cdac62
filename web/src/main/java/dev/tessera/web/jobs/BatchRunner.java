package dev.tessera.web.jobs;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.web.jobs.JobStore.Lease;
import dev.tessera.web.jobs.JobStore.Output;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batch items from the {@link JobStore}: one lane per model address, at most {@code perLane} items in
 * flight in each, so interactive requests wait behind at most that many batch items in a model's queue
 * (serving spec 3.1, "priorities"); a {@code busy} or {@code not_ready} answer puts the item back without
 * counting the attempt and pauses the lane for the model's {@code Retry-After} (0.25-5 s).
 *
 * <p>Per item: claim with a lease, renew it every {@code heartbeatMs}, render ({@link ItemRenderer}), write
 * the bytes to an attempt-specific temporary file, check the lease once more, rename the file over the output,
 * then complete in the store (compare-and-set on the lease). An attempt whose lease was lost cancels its
 * model job and publishes nothing. A model's {@code bad_input} fails the item at once; other failures are
 * retried up to {@link JobStore#MAX_ATTEMPTS} attempts. Expired leases are requeued every {@code leaseMs / 2}.
 *
 * <p>On start it requeues what a previous process left running (every running item on an exclusive SQLite
 * store, expired ones on PostgreSQL) and deletes their temporary files; on stop it cancels its model jobs and
 * gives their items back to the queue. Everything runs on this verticle's context.
 */
public final class BatchRunner extends VerticleBase {

    /**
     * @param leaseMs how long a claim holds without a heartbeat
     * @param heartbeatMs how often a running item's lease is renewed
     * @param perLane items in flight per model address
     * @param pollMs how often the queue is looked at when nothing wakes the runner
     */
    public record Settings(long leaseMs, long heartbeatMs, int perLane, long pollMs) {
        public static final Settings DEFAULT = new Settings(30_000, 5_000, 2, 1_000);

        public Settings {
            if (heartbeatMs <= 0 || leaseMs < 2 * heartbeatMs || perLane < 1 || pollMs <= 0) {
                throw new IllegalArgumentException("batch runner: need heartbeat > 0, lease >= 2 x heartbeat, "
                        + "perLane >= 1 and poll > 0; got " + this);
            }
        }
    }

    /** The model addresses batch items go to. */
    public static final List<String> LANES = List.of(Addresses.IMAGE_GENERATE, Addresses.AUDIO_VOCODE);

    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

    private final JobStore store;
    private final OutputFiles outputs;
    private final ItemRenderer renderer;
    private final Settings settings;
    private final String owner;
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, Long> pausedUntil = new HashMap<>();
    private final Set<String> claiming = new HashSet<>();
    private final Map<String, Attempt> running = new HashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private boolean stopping;

    /** A running attempt: its lease, its model job and its heartbeat timer. */
    private record Attempt(Lease lease, String jobId, long heartbeat) {
    }

    /** Thrown into an attempt's chain when its lease was taken over: nothing is published or recorded. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(Lease lease) {
            super("item " + lease.index() + " of batch " + lease.batchId() + " (attempt " + lease.attempt()
                    + ") lost its lease", null, false, false);
        }
    }

    /** @param owner who holds leases, for the store's attempt records, e.g. {@code node-id/pid} */
    public BatchRunner(JobStore store, OutputFiles outputs, ItemRenderer renderer, Settings settings, String owner) {
        this.store = store;
        this.outputs = outputs;
        this.renderer = renderer;
        this.settings = settings;
        this.owner = owner;
    }

    @Override
    public Future<?> start() {
        return recover().onSuccess(v -> {
            timers.add(vertx.setPeriodic(settings.pollMs(), id -> pump()));
            timers.add(vertx.setPeriodic(Math.max(1, settings.leaseMs() / 2), id -> requeueExpired()));
            pump();
        });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        timers.forEach(vertx::cancelTimer);
        List<Future<Boolean>> released = new ArrayList<>();
        for (Attempt a : running.values()) {
            vertx.cancelTimer(a.heartbeat());
            ModelClient.cancel(vertx.eventBus(), a.jobId(), "shutdown");
            released.add(store.release(a.lease()));
        }
        running.clear();
        return Future.join(released);
    }

    /** Looks at the queue now (after a submission), instead of at the next poll. Callable from any thread. */
    public void wake() {
        if (context != null) {
            context.runOnContext(v -> pump());
        }
    }

    /** Items a previous process left running go back to the queue; temporary files nobody holds are deleted. */
    private Future<Void> recover() {
        return store.requeueAbandoned(store.exclusive())
                .compose(abandoned -> {
                    if (!abandoned.isEmpty()) {
                        LOG.info("requeued {} batch item(s) left running by a stopped process", abandoned.size());
                    }
                    return vertx.executeBlocking(outputs::temps, false);
                })
                .compose(temps -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (OutputFiles.Temp t : temps) {
                        chain = chain.compose(v -> store.isActive(t.token()))
                                .compose(active -> active ? Future.succeededFuture() : vertx.executeBlocking(() -> {
                                    java.nio.file.Files.deleteIfExists(t.file());
                                    LOG.info("deleted {}, left by an attempt that did not finish", t.file());
                                    return null;
                                }, false));
                    }
                    return chain;
                });
    }

    private void requeueExpired() {
        store.requeueAbandoned(false)
                .onSuccess(abandoned -> abandoned.forEach(l -> {
                    LOG.warn("item {} of batch {} (attempt {}, holder gone) requeued", l.index(), l.batchId(), l.attempt());
                    vertx.executeBlocking(() -> {
                        outputs.deleteTemp(l.batchId(), l.output(), l.token());
                        return null;
                    }, false);
                }))
                .onFailure(err -> LOG.warn("requeueing expired batch items failed: {}", err.toString()));
    }

    private void pump() {
        if (!stopping) {
            LANES.forEach(this::fill);
        }
    }

    private void fill(String lane) {
        if (stopping || claiming.contains(lane) || inFlight.getOrDefault(lane, 0) >= settings.perLane()
                || System.currentTimeMillis() < pausedUntil.getOrDefault(lane, 0L)) {
            return;
        }
        claiming.add(lane);
        store.claim(lane, owner, settings.leaseMs()).onComplete(ar -> {
            claiming.remove(lane);
            if (ar.failed()) {
                LOG.warn("claiming a batch item for {} failed: {}", lane, ar.cause().toString());
                return;
            }
            if (ar.result().isPresent()) {
                if (stopping) {
                    store.release(ar.result().get());
                    return;
                }
                run(ar.result().get());
                fill(lane);
            }
        });
    }

    private void run(Lease lease) {
        String lane = lease.lane();
        inFlight.merge(lane, 1, Integer::sum);
        String jobId = UUID.randomUUID().toString();
        long heartbeat = vertx.setPeriodic(settings.heartbeatMs(), id -> store.renew(lease, settings.leaseMs())
                .onSuccess(held -> {
                    if (!held) {
                        LOG.warn("item {} of batch {} lost its lease; cancelling its model job", lease.index(),
                                lease.batchId());
                        ModelClient.cancel(vertx.eventBus(), jobId, "lease lost");
                    }
                }));
        running.put(lease.token(), new Attempt(lease, jobId, heartbeat));
        renderer.render(lease, jobId)
                .compose(rendered -> vertx.executeBlocking(() -> outputs.writeTemp(lease.batchId(), lease.output(),
                                lease.token(), rendered.bytes()), false)
                        // The last check before publishing: a lease taken over meanwhile publishes nothing.
                        .compose(temp -> store.renew(lease, settings.leaseMs()).compose(held -> held
                                ? vertx.executeBlocking(() -> outputs.publish(temp, lease.batchId(), lease.output(),
                                        rendered.mime(), rendered.bytes()), false)
                                : Future.<Output>failedFuture(new LeaseLost(lease)))))
                .compose(output -> store.complete(lease, output).compose(won -> won ? Future.succeededFuture()
                        : Future.failedFuture(new LeaseLost(lease))))
                .onComplete(ar -> {
                    vertx.cancelTimer(heartbeat);
                    inFlight.merge(lane, -1, Integer::sum);
                    if (running.remove(lease.token()) == null) {
                        return;                            // stopped: the lease was already given back
                    }
                    if (ar.failed()) {
                        failed(lease, ar.cause());
                    }
                    pump();
                });
    }

    private void failed(Lease lease, Throwable err) {
        if (err instanceof LeaseLost) {
            LOG.warn(err.getMessage());
            vertx.executeBlocking(() -> {
                outputs.deleteTemp(lease.batchId(), lease.output(), lease.token());
                return null;
            }, false);
            return;
        }
        JobFailure f = JobFailure.from(err);
        if (f.code() == FailureCode.BUSY || f.code() == FailureCode.NOT_READY) {
            long wait = Math.max(250, Math.min(5_000, f.retryAfterMs() < 0 ? 1_000 : f.retryAfterMs()));
            pausedUntil.put(lease.lane(), System.currentTimeMillis() + wait);
            store.release(lease);
            return;
        }
        boolean retry = f.code().httpStatus() >= 500 || f.code() == FailureCode.DEADLINE_EXCEEDED
                || f.code() == FailureCode.CANCELLED;
        store.fail(lease, f.code().wireName(), f.getMessage(), retry).onSuccess(state -> LOG.warn(
                "item {} ({}) of batch {}, attempt {}: {} -> {}", lease.index(), lease.output(), lease.batchId(),
                lease.attempt(), f.toString(), state.orElse("lease lost")));
    }

    /** The owner name of this process's leases: node id and process id. */
    public static String owner(String nodeId) {
        return nodeId + "/" + ProcessHandle.current().pid();
    }

    /** The folder outputs are written under. */
    public Path outputRoot() {
        return outputs.root();
    }
}

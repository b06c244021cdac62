package dev.tessera.core.bus;

import dev.tessera.core.engine.Engines;
import dev.tessera.core.cluster.TesseraVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of every model verticle: it turns event-bus messages into batches of parsed requests, runs
 * them on the model's own worker threads and turns the results back into replies (DESIGN.md, "The event
 * bus contract"; serving spec 4 and 6). A subclass only loads its model, parses a request and runs a
 * batch; queueing, batching, deadlines, cancellation, progress, health and metrics live here.
 *
 * <p>Threads. The verticle is deployed as a WORKER with one instance ({@link #deploymentOptions}), so its
 * context runs one task at a time: every queue and map below is touched only there and needs no lock.
 * {@link #load()}, {@link #runBatch} and {@link #unload()} run on the executor
 * {@code tessera-model-<name>} with {@code lanes} threads, never on an event loop and never on the shared
 * worker pool; the context stays free for cancels, timers and admission while a batch computes.
 *
 * <p>A request's life. A message on {@link #address()} with a {@link TesseraPayload} (or JSON) body and the
 * headers {@link Addresses#HEADER_JOB_ID} (optional; made up when absent) and
 * {@link Addresses#HEADER_TIMEOUT_MS} (optional remaining milliseconds):
 * <ol>
 *   <li>is parsed on the context ({@link #parse}); bad input is answered 400 at once and never queued;</li>
 *   <li>is answered {@code busy} (503, {@code retryAfterMs}) at once when {@code maxQueue} requests wait;</li>
 *   <li>waits in a FIFO queue; a cancel removes it ({@code cancelled}), its deadline removes it (408, phase
 *       {@code queued}, never started);</li>
 *   <li>runs in a batch of compatible requests ({@link #batchKey}) of at most {@code maxBatch}, formed
 *       greedily or after {@code maxDelayMs}; at most {@code lanes} batches run at once;</li>
 *   <li>while running, a cancel or its deadline sets its stop flag and the model stops it at its next step;</li>
 *   <li>is answered exactly once: the reply carries the result and the headers job id and queue depth, a
 *       failure is {@code fail(httpStatus, {code, message, retryAfterMs})}; then {@link JobEnded} is
 *       published on the job's progress address.</li>
 * </ol>
 *
 * <p>Example:
 * <pre>{@code
 * public final class EchoVerticle extends ModelVerticle<float[]> {
 *     public EchoVerticle() { super("echo", "tessera.echo"); }
 *     protected void load() { }                                          // read weights here
 *     protected float[] parse(TesseraPayload body) { return body.requireBlob("x").toFloats(); }
 *     protected void runBatch(Batch<float[]> batch) {
 *         batch.forEachLive(job -> TesseraPayload.of(new JsonObject(),
 *                 TesseraPayload.Blob.ofFloats("y", job.request(), job.request().length)));
 *     }
 * }
 * }</pre>
 *
 * @param <R> the model's parsed request
 */
public abstract class ModelVerticle<R> extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVerticle.class);

    /** {@code front} label of requests that name no front end (tests, the CLI, other verticles). */
    public static final String DEFAULT_FRONT = "bus";
    /** How long {@link #stop()} waits for running batches to reach a step and stop. */
    static final long DRAIN_MILLIS = 30_000;

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final String name;
    private final String address;

    private BatchingConfig batching;
    private BatchQueue<Pending> queue;
    /** Every queued or running job by id; a job leaves when it is answered. */
    private final Map<String, Pending> jobs = new HashMap<>();
    private final ComputeTimes computeTimes = new ComputeTimes();
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    private WorkerExecutor exec;
    private ModelRegistry registry;
    private ModelMetrics metrics;
    private String nodeId;
    private volatile ModelState state = ModelState.LOADING;
    private String stateMessage = "";
    private JsonObject schema = new JsonObject();
    private int runningBatches;
    private volatile int inflight;
    private boolean dispatchScheduled;
    private long delayTimer = -1;
    private long refreshTimer = -1;
    private Promise<Void> drained;

    /**
     * @param name model name in {@code /ready}, metrics and the executor's name, e.g. {@code vocoder}
     * @param address the event-bus address it serves, one of {@link Addresses}
     */
    protected ModelVerticle(String name, String address) {
        this.name = name;
        this.address = address;
    }

    /** Deployment options for a model verticle: a WORKER, one instance, with {@code config}. */
    public static DeploymentOptions deploymentOptions(JsonObject config) {
        return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(1)
                .setConfig(config == null ? new JsonObject() : config);
    }

    // ---- what a model provides ----

    /** Loads weights and runs the model's self-test; blocking, on the model's executor. */
    protected abstract void load() throws Exception;

    /**
     * Validates and parses a request on the verticle's context, before it is queued: cheap checks only, no
     * tensors. Throws a {@link JobFailure} ({@code bad_input}, {@code too_large}) naming what is wrong.
     */
    protected abstract R parse(TesseraPayload body);

    /**
     * Runs one batch on a model thread and answers each job with {@link Batch#complete} or
     * {@link Batch#fail}. Call {@link Batch#live()} (or each job's {@link JobContext#checkCancelled()}) at
     * every step, and report progress through each job's {@link JobContext}.
     */
    protected abstract void runBatch(Batch<R> batch) throws Exception;

    /** Requests with equal keys may share a batch (same steps, same shape bucket); default: all may. */
    protected Object batchKey(R request) {
        return "";
    }

    /**
     * The address of another model that should answer this request instead (a request on a shared address
     * that names a model this verticle does not host), or null to handle it here. Called on the context,
     * before {@link #parse}; cheap checks only. Default: null.
     */
    protected String forwardAddress(TesseraPayload body) {
        return null;
    }

    /** Frees the model; blocking, on the model's executor, after the last batch. */
    protected void unload() throws Exception {
    }

    /** The model's batching defaults, overridden by keys in the deployment config. */
    protected BatchingConfig defaultBatching() {
        return BatchingConfig.DEFAULT;
    }

    /**
     * The model's request parameters as a {@link ParamsSchema}, published with its status once it is loaded
     * (so it may depend on the weights, e.g. class names); empty by default. Front ends validate requests
     * against it and the studio builds its forms from it.
     */
    protected JsonObject paramsSchema() {
        return new JsonObject();
    }

    /** The model's version for {@code /ready} and metrics: config {@code version}, else {@code dev}. */
    protected String version() {
        return config().getString("version", "dev");
    }

    // ---- what others may ask ----

    public final String name() {
        return name;
    }

    public final String address() {
        return address;
    }

    public final ModelState state() {
        return state;
    }

    /** The batching settings in force (after {@link #start()}). */
    public final BatchingConfig batching() {
        return batching;
    }

    // ---- life cycle ----

    @Override
    public Future<?> start() {
        if (!context.isWorkerContext()) {
            return Future.failedFuture(new IllegalStateException("model " + name + " must be deployed as a WORKER "
                    + "verticle (ModelVerticle.deploymentOptions(config)); forward passes never run on an event loop"));
        }
        if (!Codecs.isRegistered(vertx)) {
            return Future.failedFuture(new IllegalStateException("call Codecs.registerAll(vertx) before deploying "
                    + "model " + name + " (TesseraVertx.start does it)"));
        }
        try {
            batching = BatchingConfig.fromJson(config(), defaultBatching());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IllegalArgumentException("model " + name + ": " + e.getMessage(), e));
        }
        queue = new BatchQueue<>(batching.maxQueue());
        nodeId = TesseraVertx.nodeId(vertx);
        registry = new ModelRegistry(vertx);
        metrics = new ModelMetrics(TesseraVertx.meters(vertx), name, version(), queue::size, () -> inflight);
        setState(ModelState.LOADING, "");
        refreshTimer = vertx.setPeriodic(ModelRegistry.REFRESH_MILLIS, id -> publishStatus());
        exec = vertx.createSharedWorkerExecutor("tessera-model-" + name, batching.lanes(), 30, TimeUnit.MINUTES);
        long t0 = System.nanoTime();
        return exec.executeBlocking(() -> {
                    load();
                    return null;
                }, false)
                .compose(v -> {
                    metrics.loaded((System.nanoTime() - t0) / 1e9);
                    return registerConsumers();
                })
                .onSuccess(v -> {
                    schema = paramsSchema();
                    setState(ModelState.READY, "");
                    LOG.info("model {} {} ready on {} ({}, loaded in {} ms)", name, version(), address, batching,
                            (System.nanoTime() - t0) / 1_000_000);
                })
                .onFailure(e -> {
                    LOG.error("model {} failed to start", name, e);
                    setState(ModelState.FAILED, String.valueOf(e.getMessage()));
                    vertx.cancelTimer(refreshTimer);
                    consumers.forEach(MessageConsumer::unregister);
                    // Free what a half-done load holds. The FAILED entry and gauge stay for /ready and
                    // /metrics until the entry goes stale or the model is deployed again.
                    exec.executeBlocking(() -> {
                        unload();
                        return null;
                    }, false).onFailure(u -> LOG.warn("model {} failed to unload after a failed load", name, u))
                            .eventually(() -> exec.close());
                });
    }

    private Future<Void> registerConsumers() {
        MessageConsumer<Object> requests = vertx.eventBus().consumer(new MessageConsumerOptions()
                .setAddress(address).setMaxBufferedMessages(2 * batching.maxQueue()), this::onRequest);
        MessageConsumer<Object> cancels = vertx.eventBus().consumer(Addresses.JOBS_CANCEL, this::onCancel);
        consumers.add(requests);
        consumers.add(cancels);
        // On a clustered bus a registration spreads asynchronously: ready only once both are known.
        return Future.all(requests.completion(), cancels.completion()).mapEmpty();
    }

    @Override
    public Future<?> stop() {
        setState(ModelState.DRAINING, "shutting down");
        vertx.cancelTimer(refreshTimer);
        vertx.cancelTimer(delayTimer);
        Future<?> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
        for (Pending p : queue.removeIf(p -> true)) {
            answer(p, null, JobFailure.notReady("model " + name + " is shutting down; job " + p.job.id()
                    + " never started"));
        }
        for (Pending p : jobs.values()) {
            p.job.context().stop(FailureCode.NOT_READY, "model " + name + " is shutting down");
        }
        Future<Void> idle;
        if (runningBatches == 0) {
            idle = Future.succeededFuture();
        } else {
            drained = Promise.promise();
            vertx.setTimer(DRAIN_MILLIS, id -> {
                if (drained.tryComplete()) {
                    LOG.warn("model {} stopped with {} batch(es) still running", name, runningBatches);
                }
            });
            idle = drained.future();
        }
        return unregistered
                .transform(ar -> idle)
                .compose(v -> exec.executeBlocking(() -> {
                    unload();
                    return null;
                }, false))
                .onFailure(e -> LOG.error("model {} failed to unload", name, e))
                .eventually(() -> exec.close())
                .eventually(() -> registry.remove(name, nodeId))
                .eventually(() -> {
                    metrics.close();
                    return Future.succeededFuture();
                });
    }

    // ---- admission ----

    private void onRequest(Message<Object> msg) {
        String front = msg.headers().get(Addresses.HEADER_FRONT);
        front = front == null || front.isBlank() ? DEFAULT_FRONT : front;
        long now = System.nanoTime();
        Pending p;
        try {
            if (state == ModelState.DRAINING || state == ModelState.FAILED) {
                throw JobFailure.notReady("model " + name + " is " + state.wireName());
            }
            String jobId = jobIdOf(msg.headers());
            long deadline = deadlineOf(msg.headers(), now, jobId);
            if (jobs.containsKey(jobId)) {
                throw new JobFailure(FailureCode.CONFLICT, "job " + jobId + " is already queued or running on model "
                        + name);
            }
            TesseraPayload payload = payloadOf(bodyOf(msg));
            String elsewhere = forwardAddress(payload);
            if (elsewhere != null) {
                forward(msg, elsewhere, front, jobId, deadline, now, payload);
                return;
            }
            R request = parse(payload);
            if (queue.size() >= queue.capacity()) {
                int depth = queue.size();
                long retryMs = computeTimes.retryAfterMs(depth, batching.lanes());
                throw new JobFailure(FailureCode.BUSY, "model " + name + " is busy: " + depth
                        + " requests are queued (maxQueue " + batching.maxQueue() + "); retry in " + retryMs + " ms",
                        retryMs, new JsonObject().put("queueDepth", depth), null);
            }
            p = new Pending(msg);
            p.job = new Job<>(request, new JobContext(jobId, deadline, progress -> publishProgress(p, progress)),
                    batchKey(request), now, front);
        } catch (JobFailure f) {
            reject(msg, front, f);
            return;
        } catch (RuntimeException e) {
            reject(msg, front, JobFailure.internal("model " + name + " while parsing a request", e));
            return;
        }
        queue.offer(p);
        jobs.put(p.job.id(), p);
        if (p.job.context().hasDeadline()) {
            p.timer = vertx.setTimer(Math.max(1, p.job.context().remainingMillis()), id -> expireQueued(p));
        }
        scheduleDispatch();
    }

    /**
     * Relays a request that belongs to another model on {@code target} (same job id, front and remaining
     * time), and its reply or failure back; no handler there is {@code not_ready}. The other model publishes
     * the job's progress itself, so followers see no difference.
     */
    private void forward(Message<Object> msg, String target, String front, String jobId, long deadline, long now,
                         TesseraPayload payload) {
        long remaining = deadline == JobContext.NO_DEADLINE ? 0 : Math.max(1, (deadline - now) / 1_000_000);
        ModelClient.request(vertx.eventBus(), target, jobId, payload, remaining, front)
                .onSuccess(reply -> msg.reply(reply.body(), new DeliveryOptions().setHeaders(reply.headers())))
                .onFailure(e -> JobFailure.from(e).failMessage(msg));
    }

    private void reject(Message<Object> msg, String front, JobFailure f) {
        metrics.answered(front, f.code());
        f.failMessage(msg);
    }

    private static String jobIdOf(MultiMap headers) {
        String id = headers.get(Addresses.HEADER_JOB_ID);
        if (id == null) {
            return UUID.randomUUID().toString();
        }
        if (!JOB_ID.matcher(id).matches()) {
            throw JobFailure.badInput("jobId", "a job id is 1 to 128 letters, digits, '-' or '_' (a UUID), got '"
                    + (id.length() > 40 ? id.substring(0, 40) + "..." : id) + "'");
        }
        return id;
    }

    private long deadlineOf(MultiMap headers, long now, String jobId) {
        String ms = headers.get(Addresses.HEADER_TIMEOUT_MS);
        if (ms == null) {
            return JobContext.NO_DEADLINE;
        }
        long remaining;
        try {
            remaining = Long.parseLong(ms.trim());
        } catch (NumberFormatException e) {
            throw JobFailure.badInput("timeoutMs", "header " + Addresses.HEADER_TIMEOUT_MS
                    + " must be whole milliseconds, got '" + ms + "'");
        }
        if (remaining <= 0) {
            throw JobFailure.deadline("the deadline of job " + jobId + " had passed when it reached model " + name,
                    "queued");
        }
        return now + TimeUnit.MILLISECONDS.toNanos(Math.min(remaining, TimeUnit.DAYS.toMillis(1)));
    }

    /** The body, decoded from the wire on first access when it came from another node. */
    private static Object bodyOf(Message<Object> msg) {
        try {
            return msg.body();
        } catch (IllegalArgumentException e) {
            throw JobFailure.badInput("body", e.getMessage());
        }
    }

    private static TesseraPayload payloadOf(Object body) {
        if (body instanceof TesseraPayload p) {
            return p;
        }
        if (body instanceof JsonObject j) {
            return TesseraPayload.of(j);
        }
        if (body == null) {
            return TesseraPayload.of(new JsonObject());
        }
        throw JobFailure.badInput("body", "expected a TesseraPayload or a JSON object, got "
                + body.getClass().getSimpleName());
    }

    // ---- cancellation and deadlines ----

    private void onCancel(Message<Object> msg) {
        Object raw;
        try {
            raw = msg.body();
        } catch (IllegalArgumentException e) {
            LOG.debug("ignoring a malformed cancel: {}", e.getMessage());
            return;
        }
        JsonObject body = raw instanceof JsonObject j ? j : raw instanceof TesseraPayload t ? t.params() : null;
        if (body == null || !(body.getValue("jobId") instanceof String jobId)) {
            LOG.debug("ignoring a cancel without a jobId: {}", msg.body());
            return;
        }
        Pending p = jobs.get(jobId);
        if (p == null) {
            return; // not ours, or already answered
        }
        String reason = body.getValue("reason") instanceof String r ? r : "cancel requested";
        if (!p.running) {
            if (queue.remove(p)) {
                answer(p, null, new JobCancelledException(jobId, FailureCode.CANCELLED, "job " + jobId
                        + " was cancelled while queued on model " + name + " (" + reason + ")"));
                scheduleDispatch(); // the head of the queue may have changed
            }
        } else {
            p.job.context().stop(FailureCode.CANCELLED, "job " + jobId + " was cancelled while running on model "
                    + name + " (" + reason + ")");
        }
    }

    private void expireQueued(Pending p) {
        p.timer = -1;
        if (!p.running && queue.remove(p)) {
            answer(p, null, expired(p));
            scheduleDispatch();
        }
    }

    private JobFailure expired(Pending p) {
        long waitedMs = (System.nanoTime() - p.job.enqueuedNanos()) / 1_000_000;
        return JobFailure.deadline("the deadline of job " + p.job.id() + " passed after " + waitedMs
                + " ms in the queue of model " + name + "; it never started", "queued");
    }

    // ---- batching ----

    /** Dispatches after the tasks already queued on the context, so a burst of requests is seen as one. */
    private void scheduleDispatch() {
        if (!dispatchScheduled) {
            dispatchScheduled = true;
            context.runOnContext(v -> {
                dispatchScheduled = false;
                dispatch();
            });
        }
    }

    private void dispatch() {
        if (state == ModelState.DRAINING) {
            return;
        }
        long now = System.nanoTime();
        for (Pending p : queue.removeExpired(now)) {
            answer(p, null, expired(p));
        }
        if (delayTimer != -1) {
            vertx.cancelTimer(delayTimer);
            delayTimer = -1;
        }
        long maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(batching.maxDelayMs());
        while (runningBatches < batching.lanes()) {
            BatchQueue.Next<Pending> next = queue.next(now, batching.maxBatch(), maxDelayNanos);
            if (!next.ready()) {
                if (next.waitNanos() > 0) {
                    long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.waitNanos() + 999_999));
                    delayTimer = vertx.setTimer(ms, id -> {
                        delayTimer = -1;
                        dispatch();
                    });
                }
                return;
            }
            run(next.batch());
        }
    }

    private void run(List<Pending> pendings) {
        runningBatches++;
        long start = System.nanoTime();
        List<Job<R>> batchJobs = new ArrayList<>(pendings.size());
        Map<Job<R>, Pending> byJob = new IdentityHashMap<>();
        for (Pending p : pendings) {
            byJob.put(p.job, p);
            if (p.timer != -1) {
                vertx.cancelTimer(p.timer);
                p.timer = -1;
            }
            p.running = true;
            inflight++;
            metrics.queued(start - p.job.enqueuedNanos());
            JobContext ctx = p.job.context();
            if (ctx.hasDeadline()) {
                p.timer = vertx.setTimer(Math.max(1, ctx.remainingMillis()), id -> ctx.stop(
                        FailureCode.DEADLINE_EXCEEDED, "the deadline of job " + ctx.jobId()
                                + " passed while it was running on model " + name));
            }
            batchJobs.add(p.job);
        }
        Batch<R> batch = new Batch<>("model " + name, batchJobs, (job, result, failure) ->
                // Called on a model thread: the answer is sent from the verticle's context.
                context.runOnContext(v -> answer(byJob.get(job), result, failure)));
        exec.executeBlocking(() -> {
            Engines.applyThreadSettings();
            runBatch(batch);
            return null;
        }, false).onComplete(ar -> {
            long nanos = System.nanoTime() - start;
            runningBatches--;
            computeTimes.record(nanos / 1e9, batch.size());
            metrics.batch(batch.size(), nanos);
            for (Job<R> job : batch.jobs()) {
                if (job.markDone()) {
                    JobFailure f = ar.failed() ? batch.failureOf(job, ar.cause())
                            : JobFailure.internal("model " + name, new IllegalStateException(
                                    "runBatch returned without answering job " + job.id()));
                    answer(byJob.get(job), null, f);
                }
            }
            if (state == ModelState.DRAINING && runningBatches == 0 && drained != null) {
                drained.tryComplete();
            }
            dispatch();
        });
    }

    // ---- answers ----

    /**
     * Sends a job's only answer, on the verticle's context. Callers have claimed the job with
     * {@link Job#markDone()} (or it was never visible to the model: queued, expired, shutting down).
     */
    private void answer(Pending p, TesseraPayload result, JobFailure failure) {
        if (p == null || p.answered) {
            return;
        }
        p.answered = true;
        p.job.markDone();
        jobs.remove(p.job.id());
        if (p.timer != -1) {
            vertx.cancelTimer(p.timer);
            p.timer = -1;
        }
        if (p.running) {
            inflight--;
        }
        String jobId = p.job.id();
        if (failure == null) {
            p.msg.reply(result, new DeliveryOptions().addHeader(Addresses.HEADER_JOB_ID, jobId)
                    .addHeader(Addresses.HEADER_QUEUE_DEPTH, Integer.toString(queue.size())));
            metrics.answered(p.job.front(), null);
        } else {
            failure.failMessage(p.msg);
            metrics.answered(p.job.front(), failure.code());
        }
        JobEnded ended = failure == null ? JobEnded.ok(jobId) : JobEnded.failed(jobId, failure);
        vertx.eventBus().publish(Addresses.progress(jobId), ended.toPayload(),
                new DeliveryOptions().addHeader(Addresses.HEADER_JOB_ID, jobId));
    }

    private void publishProgress(Pending p, JobProgress progress) {
        if (!p.job.isDone()) { // a stopped job reports nothing more
            vertx.eventBus().publish(Addresses.progress(progress.jobId()), progress.toPayload(),
                    new DeliveryOptions().addHeader(Addresses.HEADER_JOB_ID, progress.jobId()));
        }
    }

    // ---- state ----

    private void setState(ModelState s, String message) {
        state = s;
        stateMessage = message;
        metrics.state(s);
        publishStatus();
    }

    private void publishStatus() {
        ModelStatus status = new ModelStatus(name, address, state, version(), nodeId, queue.size(), batching.lanes(),
                stateMessage, System.currentTimeMillis(), schema);
        registry.publish(status).onFailure(e -> LOG.warn("model {} could not report its state: {}", name,
                e.toString()));
    }

    /** A queued or running request as the verticle sees it; touched only on the verticle's context. */
    private final class Pending implements BatchQueue.Entry {
        final Message<Object> msg;
        Job<R> job;
        boolean running;
        boolean answered;
        long timer = -1;

        Pending(Message<Object> msg) {
            this.msg = msg;
        }

        @Override
        public Object batchKey() {
            return job.batchKey();
        }

        @Override
        public long enqueuedNanos() {
            return job.enqueuedNanos();
        }

        @Override
        public long deadlineNanos() {
            return job.deadlineNanos();
        }
    }
}

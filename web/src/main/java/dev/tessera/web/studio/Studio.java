package dev.tessera.web.studio;

import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.ParamsSchema;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.web.jobs.JobStore;
import dev.tessera.web.jobs.OutputFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio's websocket protocol (serving spec 2): sessions, jobs, the events of each job sent to its
 * subscribers, replay, cancel and the per-client limit. One instance per HTTP verticle, confined to its
 * event loop (serving spec 4.1), so nothing here needs a lock. Models are found in the {@link ModelRegistry}
 * and driven over the bus with {@link ModelClient}; nothing here names a model.
 *
 * <p>A job's life: {@code generate} is checked (model known and ready, params against the model's
 * {@link ParamsSchema}, previews, the client's active jobs), uploads named in the params become blobs, the
 * job is announced {@code queued}, the front end follows the job's progress address and then sends the
 * request. The first progress event makes it {@code started}; progress, previews (JPEG, rate-limited) and
 * audio chunks follow; the model's answer becomes {@code result} (outputs stored for HTTP), {@code error} or
 * {@code cancelled}. Every subscriber gets exactly one terminal event per job.
 */
public final class Studio {

    public static final int PROTOCOL = 1;
    /** How long a stream's last windows may trail the model's reply (a clustered bus delivers them separately). */
    static final long LATE_WINDOW_MILLIS = 5_000;
    /** How long a finished job stays known (cancel acks, subscribe, resync): as long as a session. */
    private static final int MAX_JOBS = 10_000;
    /** A shared store's unfinished job not written for this long belongs to a node that is gone. */
    private static final long INTERRUPT_AFTER_MS = 15 * 60_000;
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Logger LOG = LoggerFactory.getLogger(Studio.class);

    private final Vertx vertx;
    private final String serverId;
    private final StudioLimits limits;
    private final ModelRegistry registry;
    private final StudioMetrics metrics;
    private final JobOutputs outputs;
    private final Uploads uploads;
    /** The job store and output folder, or null on a node without a store (history then lives in memory only). */
    private final StudioHistory history;
    private final long startedAtMillis = System.currentTimeMillis();
    private final Map<String, StudioSession> sessions = new HashMap<>();
    private final LinkedHashMap<String, StudioJob> jobs = new LinkedHashMap<>();
    private Map<String, ModelStatus> models = Map.of();
    private JsonObject lastStatus;
    private long tick = -1;

    public Studio(Vertx vertx, String serverId, ModelRegistry registry, StudioLimits limits,
                  io.micrometer.core.instrument.MeterRegistry meters) {
        this(vertx, serverId, registry, limits, meters, null, null);
    }

    /**
     * A studio whose jobs are recorded in {@code store} and whose outputs are written under {@code outputs}
     * (both null: memory only).
     */
    public Studio(Vertx vertx, String serverId, ModelRegistry registry, StudioLimits limits,
                  io.micrometer.core.instrument.MeterRegistry meters, JobStore store, OutputFiles outputFiles) {
        this.history = store == null ? null : new StudioHistory(vertx, store, outputFiles);
        this.vertx = vertx;
        this.serverId = serverId;
        this.registry = registry;
        this.limits = limits;
        this.metrics = new StudioMetrics(meters, sessions::size);
        this.outputs = new JobOutputs(limits.outputBytes());
        this.uploads = new Uploads(limits.uploadBytes(), limits.sessionTtlMs());
    }

    public StudioLimits limits() {
        return limits;
    }

    public JobOutputs outputs() {
        return outputs;
    }

    public Uploads uploads() {
        return uploads;
    }

    /** Starts the once-a-second model poll ({@code status} events, forgetting old jobs). */
    public void start() {
        if (history != null) {
            history.interruptUnfinished(startedAtMillis, INTERRUPT_AFTER_MS);
        }
        tick = vertx.setPeriodic(10, 1_000, id -> refreshModels().onSuccess(v -> {
            broadcastStatus();
            forgetOldJobs();
        }));
    }

    public void stop() {
        vertx.cancelTimer(tick);
        for (StudioSession s : sessions.values()) {
            vertx.cancelTimer(s.disconnectTimer);
            vertx.cancelTimer(s.expireTimer);
        }
    }

    // ---- models ----

    /** Every model the registry knows, by name (a model on several nodes: the first ready one). */
    public Future<Map<String, ModelStatus>> refreshModels() {
        return registry.list().map(list -> {
            Map<String, ModelStatus> byName = new LinkedHashMap<>();
            for (ModelStatus s : list) {
                ModelStatus known = byName.get(s.name());
                if (known == null || (known.state() != ModelState.READY && s.state() == ModelState.READY)) {
                    byName.put(s.name(), s);
                }
            }
            models = byName;
            return byName;
        });
    }

    private JsonObject queues() {
        JsonObject q = new JsonObject();
        models.values().forEach(m -> q.put(m.name(), m.queue()));
        return q;
    }

    private void broadcastStatus() {
        JsonObject states = new JsonObject();
        models.values().forEach(m -> states.put(m.name(), m.state().wireName()));
        JsonObject status = new JsonObject().put("queues", queues()).put("models", states);
        if (status.equals(lastStatus)) {
            return;
        }
        lastStatus = status;
        for (StudioSession s : sessions.values()) {
            if (s.connection != null) {
                s.emit("status", null, status, Outbox.Kind.PROGRESS, false);
            }
        }
    }

    private void forgetOldJobs() {
        long now = System.currentTimeMillis();
        Iterator<StudioJob> it = jobs.values().iterator();
        while (it.hasNext()) {
            StudioJob j = it.next();
            boolean old = j.terminal() && now - j.endedAtMillis > limits.sessionTtlMs();
            if (old || (jobs.size() > MAX_JOBS && j.terminal())) {
                it.remove();
            }
        }
        uploads.expire(now);
    }

    // ---- sockets ----

    /** Takes an accepted {@code /ws} socket: it must say {@code hello} within the limit, or it is closed. */
    public void accept(ServerWebSocket ws) {
        ws.setWriteQueueMaxSize(limits.writeQueueBytes());
        StudioConnection c = new StudioConnection(ws, limits, metrics);
        c.helloTimer = vertx.setTimer(limits.helloTimeoutMs(), id -> {
            if (c.session == null) {
                ws.close((short) 1008, "no hello within " + limits.helloTimeoutMs() + " ms").onFailure(x -> { });
            }
        });
        ws.drainHandler(v -> c.outbox.drain());
        ws.textMessageHandler(text -> onText(c, text));
        ws.binaryMessageHandler(b -> sendError(c, null, "bad_input", "the studio takes JSON text frames only; "
                + "upload files with POST /api/v1/uploads", null));
        ws.exceptionHandler(e -> LOG.debug("studio socket error: {}", e.toString()));
        ws.closeHandler(v -> onClosed(c));
    }

    private void onText(StudioConnection c, String text) {
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            sendError(c, null, "bad_input", "a studio message is a JSON object {type, jobId?, data}: "
                    + e.getMessage(), null);
            return;
        }
        String type = msg.getValue("type") instanceof String t ? t : "";
        JsonObject data = msg.getValue("data") instanceof JsonObject d ? d : new JsonObject();
        String jobId = msg.getValue("jobId") instanceof String j ? j : null;
        if (c.session == null && !type.equals("hello")) {
            sendError(c, null, "bad_input", "send hello first: {\"type\":\"hello\",\"data\":{\"protocol\":1}}", null);
            return;
        }
        switch (type) {
            case "hello" -> hello(c, data);
            case "generate" -> generate(c.session, jobId, data);
            case "cancel" -> cancel(c.session, jobId);
            case "subscribe" -> subscribe(c.session, jobId);
            case "unsubscribe" -> unsubscribe(c.session, jobId);
            case "ping" -> c.session.emit("pong", null, new JsonObject(), Outbox.Kind.CONTROL, false);
            default -> sendError(c, null, "bad_input", "unknown message type '" + type
                    + "'; the studio takes hello, generate, cancel, subscribe, unsubscribe and ping", null);
        }
    }

    /** An error to one socket; through the session (with a seq, logged when it ends a job) once there is one. */
    private void sendError(StudioConnection c, String jobId, String code, String message, JsonObject extra) {
        JsonObject data = new JsonObject().put("code", code).put("message", message);
        if (extra != null) {
            data.mergeIn(extra);
        }
        if (c.session != null) {
            c.session.emit("error", jobId, data, Outbox.Kind.CONTROL, jobId != null);
        } else {
            JsonObject event = new JsonObject().put("type", "error").put("seq", 0).put("data", data);
            c.outbox.send(new Outbox.Frame(Outbox.Kind.CONTROL, "error", Buffer.buffer(event.encode()), true));
        }
    }

    private void hello(StudioConnection c, JsonObject data) {
        if (c.session != null) {
            sendError(c, null, "bad_input", "hello was already sent on this socket", null);
            return;
        }
        if (!Integer.valueOf(PROTOCOL).equals(data.getValue("protocol") instanceof Number n ? n.intValue() : null)) {
            sendError(c, null, "bad_input", "this server speaks studio protocol " + PROTOCOL + "; send protocol:"
                    + PROTOCOL, null);
            c.ws.close((short) 1008, "unsupported protocol").onFailure(x -> { });
            return;
        }
        Object cid = data.getValue("clientId");
        if (cid != null && !(cid instanceof String s && CLIENT_ID.matcher(s).matches())) {
            sendError(c, null, "bad_input", "clientId must be 1-64 letters, digits, '-' or '_'", null);
            c.ws.close((short) 1008, "bad clientId").onFailure(x -> { });
            return;
        }
        Long lastSeq = data.getValue("lastSeq") instanceof Number n ? n.longValue() : null;
        c.binary = !(data.getValue("binary") instanceof Boolean b) || b;
        vertx.cancelTimer(c.helloTimer);

        String clientId = cid == null ? UUID.randomUUID().toString() : (String) cid;
        StudioSession session = sessions.get(clientId);
        boolean resumed = session != null;
        if (!resumed) {
            session = new StudioSession(clientId, limits);
            sessions.put(clientId, session);
        }
        StudioConnection old = session.connection;
        if (old != null) {
            old.session = null;
            old.outbox.close();
            old.ws.close((short) 4000, "replaced by a newer connection of this client").onFailure(x -> { });
        }
        vertx.cancelTimer(session.disconnectTimer);
        vertx.cancelTimer(session.expireTimer);
        session.disconnectTimer = -1;
        session.expireTimer = -1;
        session.connection = c;
        c.session = session;

        // hello carries the newest seq assigned so far without taking a new one: events replayed after it carry
        // their original (lower) seqs, and every later event a higher one.
        JsonObject hello = new JsonObject().put("type", "hello").put("seq", session.seq).put("data", new JsonObject()
                .put("clientId", clientId).put("serverId", serverId).put("resumed", resumed)
                .put("protocol", PROTOCOL).put("limits", limits.toHello()).put("queues", queues()));
        c.outbox.send(new Outbox.Frame(Outbox.Kind.CONTROL, "hello", Buffer.buffer(hello.encode()), true));
        if (lastSeq == null) {
            return;
        }
        var replay = resumed ? session.log.after(lastSeq, System.currentTimeMillis()) : java.util.Optional.<List<ReplayLog.Entry>>empty();
        if (replay.isPresent()) {
            for (ReplayLog.Entry e : replay.get()) {
                c.outbox.send(new Outbox.Frame(Outbox.Kind.CONTROL, "replay", Buffer.buffer(e.text()), true));
            }
            metrics.replayed(replay.get().size());
            for (StudioJob j : jobs.values()) {
                if (j.subscribers.contains(session) && !j.terminal() && j.latestJpeg != null) {
                    sendPreview(session, j);
                }
            }
        } else {
            resync(session);
        }
    }

    /** What replay cannot cover: the state of every job this client owns or follows. */
    private void resync(StudioSession session) {
        JsonArray list = new JsonArray();
        Set<String> known = new HashSet<>();
        for (StudioJob j : jobs.values()) {
            if (j.owner.equals(session.clientId) || j.subscribers.contains(session)) {
                j.subscribers.add(session);
                if (j.terminal()) {
                    session.terminalSent.add(j.id);
                }
                list.add(j.summary());
                known.add(j.id);
            }
        }
        if (history == null) {
            session.emit("resync", null, new JsonObject().put("jobs", list), Outbox.Kind.CONTROL, true);
            return;
        }
        // After a restart (or on another node) the store knows what memory does not: the client's earlier jobs.
        history.jobsOf(session.clientId).onComplete(ar -> {
            if (ar.succeeded()) {
                for (JobStore.StudioRecord r : ar.result()) {
                    if (known.add(r.id())) {
                        list.add(r.summary());
                        if (StudioJob.TERMINAL.contains(r.state())) {
                            session.terminalSent.add(r.id());
                        }
                    }
                }
            } else {
                LOG.warn("resync of client {} from the job store failed: {}", session.clientId, ar.cause().toString());
            }
            session.emit("resync", null, new JsonObject().put("jobs", list), Outbox.Kind.CONTROL, true);
        });
    }

    private void onClosed(StudioConnection c) {
        vertx.cancelTimer(c.helloTimer);
        c.outbox.close();
        StudioSession session = c.session;
        if (session == null || session.connection != c) {
            return;
        }
        session.connection = null;
        session.disconnectTimer = vertx.setTimer(limits.disconnectGraceMs(), id -> {
            session.disconnectTimer = -1;
            for (StudioJob j : List.copyOf(jobs.values())) {
                if (j.owner.equals(session.clientId) && !j.detach && !j.terminal()) {
                    requestCancel(j, "disconnect");
                }
            }
        });
        session.expireTimer = vertx.setTimer(limits.sessionTtlMs(), id -> {
            sessions.remove(session.clientId, session);
            jobs.values().forEach(j -> j.subscribers.remove(session));
        });
    }

    // ---- generate ----

    private void generate(StudioSession session, String jobId, JsonObject data) {
        if (jobId != null && !JOB_ID.matcher(jobId).matches()) {
            session.emit("error", null, new JsonObject().put("code", "bad_input").put("message",
                    "jobId must be a lowercase canonical UUID, got '" + jobId + "'"), Outbox.Kind.CONTROL, false);
            return;
        }
        if (jobId != null && jobs.containsKey(jobId)) {
            subscribe(session, jobId); // a retried generate with the same id: idempotent
            return;
        }
        String id = jobId == null ? UUID.randomUUID().toString() : jobId;
        String modelName = data.getValue("model") instanceof String m ? m : null;
        (models.containsKey(modelName) ? Future.succeededFuture(models) : refreshModels())
                .onFailure(e -> fail(session, id, JobFailure.internal("studio model lookup", e)))
                .onSuccess(known -> {
                    try {
                        StudioJob job = admit(session, id, modelName, known, data);
                        submit(job, data);
                    } catch (JobFailure f) {
                        fail(session, id, f);
                    }
                });
    }

    /** The boundary checks of {@code generate}; throws a {@link JobFailure} naming what is wrong. */
    private StudioJob admit(StudioSession session, String id, String modelName, Map<String, ModelStatus> known,
                            JsonObject data) {
        if (jobs.containsKey(id)) {
            throw new JobFailure(FailureCode.CONFLICT, "job " + id + " already exists");
        }
        ModelStatus model = modelName == null ? null : known.get(modelName);
        if (model == null) {
            throw new JobFailure(FailureCode.NOT_FOUND, "unknown model '" + modelName + "'; this server has "
                    + known.keySet());
        }
        if (model.state() != ModelState.READY) {
            throw JobFailure.notReady("model " + modelName + " is " + model.state().wireName());
        }
        if (!model.schema().containsKey(ParamsSchema.TESSERA)
                || model.schema().getJsonObject(ParamsSchema.TESSERA).getString("output") == null) {
            throw JobFailure.badInput("model", "model " + modelName + " declares no studio output; studio models: "
                    + known.values().stream().filter(m -> m.schema().getJsonObject(ParamsSchema.TESSERA,
                    new JsonObject()).containsKey("output")).map(ModelStatus::name).toList());
        }
        JsonObject params = data.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        if (data.getValue("params") != null && !(data.getValue("params") instanceof JsonObject)) {
            throw JobFailure.badInput("params", "params must be a JSON object");
        }
        JsonObject errors = ParamsSchema.validate(model.schema(), params);
        if (!errors.isEmpty()) {
            throw new JobFailure(FailureCode.BAD_INPUT, errors.getString(errors.fieldNames().iterator().next()), -1,
                    new JsonObject().put("fields", errors), null);
        }
        JsonObject previews = data.getValue("previews") instanceof JsonObject p ? p : new JsonObject();
        int maxSize = previewInt(previews, "maxSize", StudioLimits.DEFAULT_PREVIEW_SIZE, StudioLimits.MAX_PREVIEW_SIZE);
        double maxHz = previews.getValue("maxHz") == null ? StudioLimits.DEFAULT_PREVIEW_HZ
                : previews.getValue("maxHz") instanceof Number n ? n.doubleValue() : -1;
        if (!(maxHz >= 0 && maxHz <= StudioLimits.MAX_PREVIEW_HZ)) {
            throw JobFailure.badInput("previews.maxHz", "previews.maxHz must be a number in 0.."
                    + StudioLimits.MAX_PREVIEW_HZ + " (0 = no previews), got " + previews.getValue("maxHz"));
        }
        long active = jobs.values().stream().filter(j -> j.owner.equals(session.clientId) && !j.terminal()).count();
        if (active >= limits.maxActiveJobs()) {
            throw new JobFailure(FailureCode.RATE_LIMITED, "this client has " + active + " active studio jobs, the most"
                    + " allowed; wait for one to end or cancel one", 1_000, null, null);
        }
        StudioJob job = new StudioJob(id, session.clientId, model, Boolean.TRUE.equals(data.getValue("detach")),
                maxSize, maxHz);
        return job;
    }

    private static int previewInt(JsonObject previews, String key, int fallback, int max) {
        Object v = previews.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1
                || n.intValue() > max) {
            throw JobFailure.badInput("previews." + key, "previews." + key + " must be a whole number in 1.." + max
                    + ", got " + v);
        }
        return n.intValue();
    }

    /** Builds the model's payload (uploads become blobs), announces the job and sends it. */
    private void submit(StudioJob job, JsonObject data) {
        JsonObject schema = job.model.schema();
        JsonObject params = (data.getValue("params") instanceof JsonObject p ? p : new JsonObject()).copy();
        List<Blob> blobs = new ArrayList<>();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        for (String name : props.fieldNames()) {
            JsonObject upload = props.getJsonObject(name).getJsonObject(ParamsSchema.UPLOAD);
            if (upload != null && params.getValue(name) instanceof String uploadId) {
                blobs.add(uploads.blobFor(name, uploadId, upload));
                params.remove(name);
            }
        }
        JsonObject tessera = schema.getJsonObject(ParamsSchema.TESSERA);
        JsonObject previewSwitch = tessera.getJsonObject("previews");
        if (previewSwitch != null && job.previewMaxHz > 0 && !params.containsKey(previewSwitch.getString("param"))) {
            params.put(previewSwitch.getString("param"), previewSwitch.getValue("value"));
        }
        long timeoutMs = data.getValue("timeoutMs") instanceof Number n ? n.longValue()
                : tessera.getLong("timeoutMs", 120_000L);
        if (timeoutMs < 1 || timeoutMs > 600_000) {
            throw JobFailure.badInput("timeoutMs", "timeoutMs must be in 1..600000 (10 min), got " + timeoutMs);
        }
        TesseraPayload payload = new TesseraPayload(params, blobs);

        StudioSession owner = sessions.get(job.owner);
        jobs.put(job.id, job);
        job.subscribers.add(owner);
        record(job);
        emitAll(job, "queued", new JsonObject().put("model", job.model.name()).put("position", job.model.queue() + 1),
                Outbox.Kind.CONTROL);
        job.consumer = ModelClient.follow(vertx.eventBus(), job.id, p -> onProgress(job, p), e -> onEnded(job));
        job.consumer.completion().onComplete(registered -> {
            if (job.terminal()) {
                return;
            }
            if (job.cancelReason != null) {                 // cancelled before it reached the model
                job.consumer.unregister();
                terminal(job, "cancelled", new JsonObject().put("reason", job.cancelReason).put("atStep", 0), "cancelled");
                return;
            }
            job.requestSent = true;
            ModelClient.request(vertx.eventBus(), job.model.address(), job.id, payload, timeoutMs, "ws")
                    .onSuccess(reply -> onReply(job, reply))
                    .onFailure(e -> onFailure(job, JobFailure.from(e)));
        });
    }

    /** A {@code generate} refused at the boundary: an {@code error} naming the job, sent to its sender only. */
    private void fail(StudioSession session, String jobId, JobFailure f) {
        session.emit("error", jobId, errorData(f), Outbox.Kind.CONTROL, true);
        session.terminalSent.add(jobId);
    }

    private static JsonObject errorData(JobFailure f) {
        JsonObject data = new JsonObject().put("code", f.code() == FailureCode.NOT_FOUND ? "not_found"
                : f.code().wireName()).put("message", f.getMessage());
        if (f.retryAfterMs() >= 0) {
            data.put("retryAfterMs", f.retryAfterMs());
        }
        if (f.details() != null && f.details().getValue("fields") instanceof JsonObject fields) {
            data.put("fields", fields);
        }
        return data;
    }

    // ---- a job's events ----

    private void emitAll(StudioJob job, String type, JsonObject data, Outbox.Kind kind) {
        for (StudioSession s : job.subscribers) {
            s.emit(type, job.id, data, kind, true);
        }
    }

    private void onProgress(StudioJob job, JobProgress p) {
        if (job.terminal()) {
            return;
        }
        if (job.state.equals("queued")) {
            job.state = "running";
            job.startedNanos = System.nanoTime();
            record(job);
            emitAll(job, "started", new JsonObject().put("model", job.model.name()).put("node", job.model.node())
                    .put("queueMs", (job.startedNanos - job.submittedNanos) / 1_000_000), Outbox.Kind.CONTROL);
        }
        job.step = p.step();
        job.overall = Math.max(job.overall, p.overall());
        job.progress = new JsonObject().put("value", p.step()).put("max", p.total()).put("stage", p.stage())
                .put("stageIndex", p.stageIndex()).put("stageCount", p.stageCount()).put("overall", job.overall);
        emitAll(job, "progress", job.progress, Outbox.Kind.PROGRESS);
        Blob preview = p.preview();
        if (preview == null) {
            return;
        }
        if (preview.mime().startsWith("image/")) {
            onImagePreview(job, preview, p.step(), p.total());
        } else if (job.outputKind().equals("audio") && "float32".equals(preview.dtype())) {
            onAudioChunk(job, preview.bytes());
        }
    }

    private void onImagePreview(StudioJob job, Blob preview, int step, int total) {
        job.latestPreview = preview.bytes();
        job.latestPreviewMime = preview.mime();
        long now = System.nanoTime();
        if (job.previewMaxHz <= 0 || now - job.lastPreviewNanos < 1e9 / job.previewMaxHz) {
            return;
        }
        job.lastPreviewNanos = now;
        byte[] png = preview.bytes();
        // Decoding and re-encoding is worker work; ordered, so previews of a job keep their order.
        vertx.executeBlocking(() -> PreviewImages.toJpeg(png, job.previewMaxSize), true).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("preview of job {} could not be converted: {}", job.id, ar.cause().toString());
                return;
            }
            if (job.terminal()) {
                return;
            }
            job.latestJpeg = ar.result();
            job.latestJpegStep = step;
            job.latestJpegTotal = total;
            for (StudioSession s : job.subscribers) {
                sendPreview(s, job);
            }
        });
    }

    private void sendPreview(StudioSession s, StudioJob job) {
        if (s.connection == null) {
            return;
        }
        if (s.binary()) {
            Buffer frame = BinaryFrames.encode(BinaryFrames.TYPE_PREVIEW, BinaryFrames.FORMAT_JPEG, s.nextSeq(), job.uuid,
                    job.latestJpegStep, job.latestJpegTotal, job.latestJpeg);
            s.connection.outbox.send(new Outbox.Frame(Outbox.Kind.PREVIEW, job.id, frame, false));
        } else {
            s.emit("preview", job.id, new JsonObject().put("format", "jpeg").put("step", job.latestJpegStep)
                    .put("total", job.latestJpegTotal)
                    .put("base64", Base64.getEncoder().encodeToString(job.latestJpeg)), Outbox.Kind.PREVIEW, false);
        }
    }

    /** A streamed window: kept for the result's WAV, sent to each binary subscriber in order. */
    private void onAudioChunk(StudioJob job, byte[] f32le) {
        long first = job.nextSample;
        job.audio.write(f32le, 0, f32le.length);
        job.nextSample += f32le.length / 4;
        for (StudioSession s : job.subscribers) {
            if (s.connection == null || !s.binary() || job.truncated.contains(s)) {
                continue;
            }
            Buffer frame = BinaryFrames.encode(BinaryFrames.TYPE_AUDIO, BinaryFrames.FORMAT_PCM_F32, s.nextSeq(),
                    job.uuid, job.sampleRate(), (int) first, f32le);
            if (!s.connection.outbox.offerAudio(new Outbox.Frame(Outbox.Kind.AUDIO, job.id, frame, false))) {
                job.truncated.add(s);
                s.emit("stream_truncated", job.id, new JsonObject().put("fromSample", first), Outbox.Kind.CONTROL, true);
            }
        }
    }

    private void onReply(StudioJob job, Message<TesseraPayload> reply) {
        job.reply = reply;
        boolean streamed = job.audio.size() > 0 || reply.body().params().containsKey("windows");
        if (job.ended || !streamed) {
            finish(job);
        } else {
            // The ended event follows every window; wait for it, but not forever.
            job.lateTimer = vertx.setTimer(LATE_WINDOW_MILLIS, id -> finish(job));
        }
    }

    private void onEnded(StudioJob job) {
        job.ended = true;
        if (job.reply != null) {
            vertx.cancelTimer(job.lateTimer);
            finish(job);
        }
    }

    /** The model's answer: outputs stored for HTTP (WAV made off the event loop), then {@code result}. */
    private void finish(StudioJob job) {
        if (job.terminal() || job.finishing) {
            return;
        }
        job.finishing = true;
        TesseraPayload body = job.reply.body();
        byte[] streamed = job.audio.toByteArray();
        int rate = job.sampleRate();
        vertx.executeBlocking(() -> {
            List<JobOutputs.Output> files = JobOutputs.fromReply(body, streamed, rate);
            if (history != null) {
                history.writeOutputs(job.id, files);
            }
            return files;
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                onFailure(job, JobFailure.internal("studio outputs of job " + job.id, ar.cause()));
                return;
            }
            JsonArray list = new JsonArray();
            String base = "/api/v1/jobs/" + job.id + "/outputs/";
            for (JobOutputs.Output o : ar.result()) {
                list.add(new JsonObject().put("name", o.name()).put("mime", o.mime()).put("bytes", o.bytes().length)
                        .put("url", base + o.name()));
            }
            outputs.put(job.id, ar.result());
            JsonObject params = body.params().copy();
            params.remove("tokens");
            long totalMs = (System.nanoTime() - job.submittedNanos) / 1_000_000;
            long queueMs = params.containsKey("queueMs") ? params.getLong("queueMs")
                    : job.startedNanos == 0 ? 0 : (job.startedNanos - job.submittedNanos) / 1_000_000;
            JsonObject timings = new JsonObject().put("queueMs", queueMs).put("totalMs", totalMs);
            if (params.containsKey("computeMs")) {
                timings.put("computeMs", params.getLong("computeMs"));
            }
            terminal(job, "result", new JsonObject().put("outputs", list).put("timings", timings).put("info", params),
                    "succeeded");
        });
    }

    private void onFailure(StudioJob job, JobFailure f) {
        if (job.terminal()) {
            return;
        }
        if (job.consumer != null) {
            job.consumer.unregister();
        }
        if (f.code() == FailureCode.CANCELLED || f.code() == FailureCode.DEADLINE_EXCEEDED) {
            boolean deadline = f.code() == FailureCode.DEADLINE_EXCEEDED;
            String reason = deadline ? "deadline" : job.cancelReason != null ? job.cancelReason : "client";
            terminal(job, "cancelled", new JsonObject().put("reason", reason).put("atStep", job.step)
                    .put("message", f.getMessage()), deadline ? "expired" : "cancelled");
        } else {
            terminal(job, "error", errorData(f), "failed");
        }
    }

    /** The one terminal event of a job, once to each subscriber. */
    private void terminal(StudioJob job, String type, JsonObject data, String state) {
        job.state = state;
        job.terminalType = type;
        job.terminalData = data;
        job.endedAtMillis = System.currentTimeMillis();
        for (StudioSession s : job.subscribers) {
            if (s.terminalSent.add(job.id)) {
                s.emit(type, job.id, data, Outbox.Kind.CONTROL, true);
            }
        }
        record(job);
    }

    private void record(StudioJob job) {
        if (history != null) {
            history.save(job);
        }
    }

    // ---- cancel and subscriptions ----

    private void cancel(StudioSession session, String jobId) {
        cancelAsync(jobId).onComplete(ar -> session.emit("cancel_ack", jobId, ar.succeeded() ? ar.result()
                : new JsonObject().put("cancelled", false).put("state", "unknown"), Outbox.Kind.CONTROL, true));
    }

    /**
     * {@link #cancel(String)}, and for a job this server no longer holds in memory (an earlier run, another
     * node) the state the store recorded: {@code cancelled:false} with that state, or {@code unknown}.
     */
    public Future<JsonObject> cancelAsync(String jobId) {
        JsonObject ack = cancel(jobId);
        if (history == null || !"unknown".equals(ack.getString("state")) || jobId == null) {
            return Future.succeededFuture(ack);
        }
        return history.summary(jobId).map(found -> found.map(s -> new JsonObject().put("cancelled", false)
                .put("state", s.getString("state"))).orElse(ack));
    }

    /**
     * Cancels a job (serving spec 2.5), for the socket and {@code POST /api/v1/jobs/{id}/cancel}: {@code
     * {cancelled, state}}; false with the final state when it already ended, {@code unknown} for an unknown id.
     */
    public JsonObject cancel(String jobId) {
        StudioJob job = jobId == null ? null : jobs.get(jobId);
        if (job == null) {
            return new JsonObject().put("cancelled", false).put("state", "unknown");
        }
        if (job.terminal() || job.finishing) {              // a finishing job has its answer: it succeeded
            return new JsonObject().put("cancelled", false).put("state", job.terminal() ? job.state : "succeeded");
        }
        requestCancel(job, "client");
        return new JsonObject().put("cancelled", true).put("state", job.state);
    }

    private void requestCancel(StudioJob job, String reason) {
        if (job.cancelReason != null) {
            return;                                          // one request per job; the model's answer ends it
        }
        job.cancelReason = reason;
        if (job.requestSent) {
            ModelClient.cancel(vertx.eventBus(), job.id, reason);
        }
    }

    private void subscribe(StudioSession session, String jobId) {
        StudioJob job = jobId == null ? null : jobs.get(jobId);
        if (job == null) {
            Future<Optional<JsonObject>> stored = history == null || jobId == null
                    ? Future.succeededFuture(Optional.empty()) : history.summary(jobId);
            stored.onComplete(ar -> {
                JsonObject summary = ar.succeeded() ? ar.result().orElse(null) : null;
                String type = summary == null ? null : terminalTypeOf(summary);
                if (type != null) {
                    if (session.terminalSent.add(jobId)) {
                        session.emit(type, jobId, summary.getJsonObject(type), Outbox.Kind.CONTROL, true);
                    }
                } else {
                    session.emit("error", null, new JsonObject().put("code", "not_found").put("message",
                            "no studio job " + jobId + " is known here").put("jobId", jobId), Outbox.Kind.CONTROL, false);
                }
            });
            return;
        }
        if (job.terminal()) {
            if (session.terminalSent.add(job.id)) {
                session.emit(job.terminalType, job.id, job.terminalData, Outbox.Kind.CONTROL, true);
            }
            return;
        }
        if (job.subscribers.add(session)) {
            session.emit("queued", job.id, new JsonObject().put("model", job.model.name()).put("position", 0),
                    Outbox.Kind.CONTROL, true);
            if (!job.state.equals("queued")) {
                session.emit("started", job.id, new JsonObject().put("model", job.model.name())
                        .put("node", job.model.node()).put("queueMs", (job.startedNanos - job.submittedNanos) / 1_000_000),
                        Outbox.Kind.CONTROL, true);
            }
            if (job.progress != null) {
                session.emit("progress", job.id, job.progress, Outbox.Kind.PROGRESS, true);
            }
        }
    }

    private void unsubscribe(StudioSession session, String jobId) {
        StudioJob job = jobId == null ? null : jobs.get(jobId);
        if (job != null && !job.owner.equals(session.clientId)) {
            job.subscribers.remove(session);
        }
    }

    // ---- for the HTTP routes ----

    /** A job's summary, or null when unknown. */
    public JsonObject jobSummary(String jobId) {
        StudioJob job = jobs.get(jobId);
        return job == null ? null : job.summary();
    }

    /** A job's summary from memory or, for a job of an earlier run, the store; empty when neither knows it. */
    public Future<Optional<JsonObject>> jobSummaryAsync(String jobId) {
        JsonObject summary = jobSummary(jobId);
        if (summary != null || history == null) {
            return Future.succeededFuture(Optional.ofNullable(summary));
        }
        return history.summary(jobId);
    }

    /** A job's output file from memory or, when memory has let it go, the output folder; empty when neither has it. */
    public Future<Optional<JobOutputs.Output>> outputAsync(String jobId, String name) {
        JobOutputs.Output o = outputs.get(jobId, name);
        if (o != null || history == null) {
            return Future.succeededFuture(Optional.ofNullable(o));
        }
        return history.summary(jobId).compose(summary -> {
            JsonObject output = summary.map(Studio::terminalOutputs).orElse(new JsonArray()).stream()
                    .map(JsonObject.class::cast).filter(x -> name.equals(x.getString("name"))).findFirst().orElse(null);
            if (output == null) {
                return Future.succeededFuture(Optional.empty());
            }
            return history.output(jobId, name).map(bytes -> bytes.map(b -> new JobOutputs.Output(name,
                    output.getString("mime"), b)));
        });
    }

    /** The terminal event type a stored summary carries ({@code result}, {@code error}, {@code cancelled}), or null. */
    static String terminalTypeOf(JsonObject summary) {
        for (String type : List.of("result", "error", "cancelled")) {
            if (summary.getValue(type) instanceof JsonObject) {
                return type;
            }
        }
        return null;
    }

    private static JsonArray terminalOutputs(JsonObject summary) {
        JsonObject result = summary.getJsonObject("result");
        return result == null ? new JsonArray() : result.getJsonArray("outputs", new JsonArray());
    }

    /** The model's latest preview of a job ({@code [mime, bytes]}), or null. */
    public Object[] latestPreview(String jobId) {
        StudioJob job = jobs.get(jobId);
        return job == null || job.latestPreview == null ? null : new Object[] {job.latestPreviewMime, job.latestPreview};
    }

    int sessionCount() {
        return sessions.size();
    }
}

package dev.tessera.web.studio;

import dev.tessera.core.bus.ModelStatus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import dev.tessera.core.bus.TesseraPayload;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One studio job as the front end follows it: who owns and follows it, where it stands, its latest
 * progress and preview, and the audio streamed so far. Touched only on the studio's event loop.
 */
final class StudioJob {

    /** States of serving spec 1; {@code expired} is a job whose deadline passed. */
    static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "expired");

    final String id;
    final UUID uuid;
    final String owner;
    final ModelStatus model;
    final boolean detach;
    final int previewMaxSize;
    final double previewMaxHz;
    final long submittedNanos = System.nanoTime();
    final long createdAtMillis = System.currentTimeMillis();
    final Set<StudioSession> subscribers = new LinkedHashSet<>();

    String state = "queued";
    long startedNanos;
    long endedAtMillis;
    /** The latest {@code progress} data, or null before the first. */
    JsonObject progress;
    int step;
    double overall;
    /** Why we asked the model to stop ({@code client}, {@code disconnect}), or null. */
    String cancelReason;
    boolean requestSent;
    /** The terminal event, once there is one: its type and data. */
    String terminalType;
    JsonObject terminalData;

    // previews
    long lastPreviewNanos;
    /** The model's latest preview as it sent it (for {@code GET .../preview}) and its media type. */
    byte[] latestPreview;
    String latestPreviewMime;
    /** The latest binary preview frame's payload (JPEG), its step and total, for a resuming client. */
    byte[] latestJpeg;
    int latestJpegStep;
    int latestJpegTotal;

    // audio
    final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    long nextSample;
    final Set<StudioSession> truncated = new LinkedHashSet<>();

    // the end: the model's reply and its ended event may arrive in either order
    MessageConsumer<TesseraPayload> consumer;
    Message<TesseraPayload> reply;
    boolean ended;
    /** The model answered and the outputs are being made: too late to cancel. */
    boolean finishing;
    long lateTimer = -1;

    StudioJob(String id, String owner, ModelStatus model, boolean detach, int previewMaxSize, double previewMaxHz) {
        this.id = id;
        this.uuid = UUID.fromString(id);
        this.owner = owner;
        this.model = model;
        this.detach = detach;
        this.previewMaxSize = previewMaxSize;
        this.previewMaxHz = previewMaxHz;
    }

    boolean terminal() {
        return terminalType != null;
    }

    String outputKind() {
        return model.schema().getJsonObject("x-tessera", new JsonObject()).getString("output", "");
    }

    int sampleRate() {
        return model.schema().getJsonObject("x-tessera", new JsonObject()).getInteger("sampleRate", 0);
    }

    /** {@code {jobId, state, progress, model}} for {@code resync} and {@code GET /api/v1/jobs/{id}}. */
    JsonObject summary() {
        JsonObject j = new JsonObject().put("jobId", id).put("model", model.name()).put("state", state)
                .put("progress", overall);
        if (terminal()) {
            j.put(terminalType, terminalData);
        }
        return j;
    }
}

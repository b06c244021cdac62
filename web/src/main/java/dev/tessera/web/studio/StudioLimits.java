package dev.tessera.web.studio;

import io.vertx.core.json.JsonObject;

/**
 * The studio's limits (serving spec 2 and 3.1). The defaults are the spec's; a node may change them in
 * {@code <models>/studio.json} (the same place as each model's {@code serving.json}), e.g. tests shrink the
 * write queue to make a paused reader back up quickly.
 *
 * @param writeQueueBytes Netty's high water mark of a socket ({@code ws.setWriteQueueMaxSize}), 256 KiB
 * @param maxPendingBytes past this many bytes waiting in a socket's outbox it is closed with 1013, 4 MiB
 * @param maxPendingControl past this many control frames waiting it is closed with 1013, 1,000
 * @param audioPendingBytes audio waiting per job before its stream stops ({@code stream_truncated}), 2 MiB
 * @param maxActiveJobs studio jobs one client may have queued or running ({@code rate_limited} past it), 4
 * @param helloTimeoutMs a socket that sends no {@code hello} in this time is closed with 1008, 5 s
 * @param sessionTtlMs a session lives this long after its last socket closed, 10 min
 * @param disconnectGraceMs a client's jobs are cancelled this long after its last socket closed, 30 s
 * @param replayEvents the replay log keeps at most this many events, 1,000
 * @param replayMillis ... and none older than this, 10 min
 * @param maxFrameBytes largest inbound websocket frame, 64 KiB (Vert.x's default)
 * @param maxMessageBytes largest inbound websocket message, 256 KiB (Vert.x's default); outbound messages may
 *     be larger and are split into continuation frames
 * @param outputBytes job outputs (PNG, WAV) kept in memory for {@code GET /api/v1/jobs/{id}/outputs/{name}},
 *     oldest job first out, 256 MiB
 * @param uploadBytes uploaded files kept in memory, oldest first out, 256 MiB
 * @param sendBufferBytes the kernel send buffer of the server's sockets ({@code SO_SNDBUF}); 0 keeps the
 *     operating system's (auto-tuned, up to megabytes). A small one makes a slow reader's backlog reach the
 *     outbox after a few kilobytes instead of megabytes; the tests use it, a server rarely needs it
 */
public record StudioLimits(int writeQueueBytes, long maxPendingBytes, int maxPendingControl, long audioPendingBytes,
                           int maxActiveJobs, long helloTimeoutMs, long sessionTtlMs, long disconnectGraceMs,
                           int replayEvents, long replayMillis, int maxFrameBytes, int maxMessageBytes,
                           long outputBytes, long uploadBytes, int sendBufferBytes) {

    public static final StudioLimits DEFAULT = new StudioLimits(256 << 10, 4L << 20, 1_000, 2L << 20, 4, 5_000,
            600_000, 30_000, 1_000, 600_000, 64 << 10, 256 << 10, 256L << 20, 256L << 20, 0);

    /** Preview size and rate bounds of {@code generate} (serving spec 2.1). */
    public static final int MAX_PREVIEW_SIZE = 512;
    public static final int DEFAULT_PREVIEW_SIZE = 256;
    public static final int MAX_PREVIEW_HZ = 8;
    public static final int DEFAULT_PREVIEW_HZ = 4;

    /** The defaults, overridden by the keys of {@code json} (same names as the components). */
    public static StudioLimits fromJson(JsonObject json) {
        StudioLimits d = DEFAULT;
        return new StudioLimits(json.getInteger("writeQueueBytes", d.writeQueueBytes),
                json.getLong("maxPendingBytes", d.maxPendingBytes), json.getInteger("maxPendingControl", d.maxPendingControl),
                json.getLong("audioPendingBytes", d.audioPendingBytes), json.getInteger("maxActiveJobs", d.maxActiveJobs),
                json.getLong("helloTimeoutMs", d.helloTimeoutMs), json.getLong("sessionTtlMs", d.sessionTtlMs),
                json.getLong("disconnectGraceMs", d.disconnectGraceMs), json.getInteger("replayEvents", d.replayEvents),
                json.getLong("replayMillis", d.replayMillis), json.getInteger("maxFrameBytes", d.maxFrameBytes),
                json.getInteger("maxMessageBytes", d.maxMessageBytes), json.getLong("outputBytes", d.outputBytes),
                json.getLong("uploadBytes", d.uploadBytes), json.getInteger("sendBufferBytes", d.sendBufferBytes));
    }

    /** What {@code hello} tells the client. */
    public JsonObject toHello() {
        return new JsonObject().put("maxMessageBytes", maxMessageBytes).put("maxActiveJobs", maxActiveJobs)
                .put("maxPreviewSize", MAX_PREVIEW_SIZE).put("maxPreviewHz", MAX_PREVIEW_HZ)
                .put("audioPendingBytes", audioPendingBytes).put("sessionTtlMs", sessionTtlMs)
                .put("disconnectGraceMs", disconnectGraceMs).put("replayEvents", replayEvents);
    }
}

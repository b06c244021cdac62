package dev.tessera.web.studio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * One studio client ({@code clientId}): its {@code seq} counter, its replay log and its current socket,
 * if any. Sessions outlive sockets (serving spec 2.4), so a reconnecting page resumes where it was. Touched
 * only on the studio's event loop.
 */
final class StudioSession {

    final String clientId;
    final ReplayLog log;
    /** Jobs whose terminal event this session has been sent (exactly one per job). */
    final Set<String> terminalSent = new HashSet<>();
    long seq;
    StudioConnection connection;
    long disconnectTimer = -1;
    long expireTimer = -1;

    StudioSession(String clientId, StudioLimits limits) {
        this.clientId = clientId;
        this.log = new ReplayLog(limits.replayEvents(), limits.replayMillis());
    }

    boolean binary() {
        return connection == null || connection.binary;
    }

    /**
     * Sends a text event with the next seq; control and progress events are logged for replay (hello,
     * status and pong are not: they describe the moment, and a resumed socket gets fresh ones).
     *
     * @return the event's seq
     */
    long emit(String type, String jobId, JsonObject data, Outbox.Kind kind, boolean log) {
        long s = ++seq;
        JsonObject event = new JsonObject().put("type", type);
        if (jobId != null) {
            event.put("jobId", jobId);
        }
        String text = event.put("seq", s).put("data", data).encode();
        if (log) {
            this.log.append(s, jobId, kind == Outbox.Kind.PROGRESS, text, System.currentTimeMillis());
        }
        if (connection != null) {
            String key = kind == Outbox.Kind.PROGRESS ? type + ":" + jobId : jobId == null ? type : jobId;
            connection.outbox.send(new Outbox.Frame(kind, key, Buffer.buffer(text), true));
        }
        return s;
    }

    /** The next seq for a binary frame (never logged). */
    long nextSeq() {
        return ++seq;
    }
}

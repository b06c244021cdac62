package dev.tessera.web.studio;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The bounded outbound queue of one studio socket (serving spec 2.3). An event is written straight to the
 * socket while nothing waits and the socket's write queue is below its high water mark; otherwise it waits
 * here, and {@link #drain()} (the socket's drain handler) writes what waits, in order. What waits follows
 * the event's {@link Kind}:
 *
 * <ul>
 *   <li>{@code CONTROL} (hello, queued, started, result, error, cancelled, cancel_ack, resync,
 *       stream_truncated, pong): never dropped.</li>
 *   <li>{@code PROGRESS} (progress, status): a newer event of the same key (job, or {@code status}) replaces
 *       the waiting one.</li>
 *   <li>{@code PREVIEW} (binary or base64 previews): latest only, a newer one replaces the waiting one of its
 *       job; each replaced or refused preview is counted as dropped.</li>
 *   <li>{@code AUDIO} (binary audio chunks): in order; {@link #offerAudio} refuses a chunk once the job's
 *       waiting audio would pass the per-job cap, and the caller then stops that job's stream.</li>
 * </ul>
 *
 * Past {@code maxPendingBytes} waiting, or {@code maxPendingControl} waiting control frames, the client has
 * stalled: the socket is closed with 1013 ("try again later") and the client resumes from the replay log.
 * Touched only on the socket's event loop.
 */
public final class Outbox {

    /** How an event may be treated while it waits. */
    public enum Kind { CONTROL, PROGRESS, PREVIEW, AUDIO }

    /** One websocket message: text (JSON) or binary (40-byte header + payload). */
    public record Frame(Kind kind, String key, Buffer data, boolean text) {
        int bytes() {
            return data.length();
        }
    }

    /** The socket as the outbox sees it. */
    public interface Socket {
        boolean writeQueueFull();

        /** Writes a frame; a failed write closes the socket (the caller counts it). */
        void write(Frame frame);

        /** Closes the socket because the client stalled (1013). */
        void closeStalled(String reason);
    }

    /** What the outbox reports; counted in the {@code tessera_ws_*} metrics. */
    public interface Listener {
        void previewDropped();

        void slowClosed();
    }

    private final Socket socket;
    private final Listener listener;
    private final long maxPendingBytes;
    private final int maxPendingControl;
    private final long audioCapBytes;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private final Map<String, Long> pendingAudio = new HashMap<>();
    private long pendingBytes;
    private int pendingControl;
    private boolean closed;

    public Outbox(Socket socket, Listener listener, long maxPendingBytes, int maxPendingControl, long audioCapBytes) {
        this.socket = socket;
        this.listener = listener;
        this.maxPendingBytes = maxPendingBytes;
        this.maxPendingControl = maxPendingControl;
        this.audioCapBytes = audioCapBytes;
    }

    /** Sends (or queues) a control, progress or preview frame. */
    public void send(Frame frame) {
        if (closed) {
            return;
        }
        if (frame.kind() == Kind.AUDIO) {
            offerAudio(frame);
            return;
        }
        if (pending.isEmpty() && !socket.writeQueueFull()) {
            socket.write(frame);
            return;
        }
        if (frame.kind() == Kind.PROGRESS || frame.kind() == Kind.PREVIEW) {
            Frame replaced = removePending(frame.kind(), frame.key());
            if (replaced != null && frame.kind() == Kind.PREVIEW) {
                listener.previewDropped();
            }
        }
        enqueue(frame);
        drain();
    }

    /**
     * Sends (or queues) an audio chunk of job {@code frame.key()}, unless the job's waiting audio would pass
     * the per-job cap.
     *
     * @return false when the chunk was refused: the caller stops the job's stream ({@code stream_truncated})
     */
    public boolean offerAudio(Frame frame) {
        if (closed) {
            return false;
        }
        if (pending.isEmpty() && !socket.writeQueueFull()) {
            socket.write(frame);
            return true;
        }
        long waiting = pendingAudio.getOrDefault(frame.key(), 0L);
        if (waiting + frame.bytes() > audioCapBytes) {
            return false;
        }
        pendingAudio.put(frame.key(), waiting + frame.bytes());
        enqueue(frame);
        drain();
        return true;
    }

    /** Writes waiting frames in order while the socket takes them; the socket's drain handler calls it. */
    public void drain() {
        while (!closed && !pending.isEmpty() && !socket.writeQueueFull()) {
            Frame f = pending.poll();
            forget(f);
            socket.write(f);
        }
    }

    /** Stops sending: the socket closed. */
    public void close() {
        closed = true;
        pending.clear();
        pendingAudio.clear();
        pendingBytes = 0;
        pendingControl = 0;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Bytes waiting. */
    public long pendingBytes() {
        return pendingBytes;
    }

    public int pendingFrames() {
        return pending.size();
    }

    private void enqueue(Frame frame) {
        pending.add(frame);
        pendingBytes += frame.bytes();
        if (frame.kind() == Kind.CONTROL) {
            pendingControl++;
        }
        if (pendingBytes > maxPendingBytes || pendingControl > maxPendingControl) {
            String why = pendingBytes > maxPendingBytes ? pendingBytes + " bytes wait (at most " + maxPendingBytes + ")"
                    : pendingControl + " control frames wait (at most " + maxPendingControl + ")";
            close();
            listener.slowClosed();
            socket.closeStalled("client too slow: " + why + "; reconnect and resume");
        }
    }

    private Frame removePending(Kind kind, String key) {
        Iterator<Frame> it = pending.iterator();
        while (it.hasNext()) {
            Frame f = it.next();
            if (f.kind() == kind && f.key().equals(key)) {
                it.remove();
                forget(f);
                return f;
            }
        }
        return null;
    }

    private void forget(Frame f) {
        pendingBytes -= f.bytes();
        if (f.kind() == Kind.CONTROL) {
            pendingControl--;
        } else if (f.kind() == Kind.AUDIO) {
            pendingAudio.computeIfPresent(f.key(), (k, v) -> v - f.bytes() <= 0 ? null : v - f.bytes());
        }
    }
}

package dev.tessera.web.studio;

import io.vertx.core.http.ServerWebSocket;

/** One studio socket: its outbox, and the session it joined with {@code hello} (null before). */
final class StudioConnection implements Outbox.Socket {

    final ServerWebSocket ws;
    final Outbox outbox;
    final StudioMetrics metrics;
    StudioSession session;
    boolean binary = true;
    long helloTimer = -1;

    StudioConnection(ServerWebSocket ws, StudioLimits limits, StudioMetrics metrics) {
        this.ws = ws;
        this.metrics = metrics;
        this.outbox = new Outbox(this, metrics, limits.maxPendingBytes(), limits.maxPendingControl(),
                limits.audioPendingBytes());
    }

    @Override
    public boolean writeQueueFull() {
        return ws.writeQueueFull();
    }

    @Override
    public void write(Outbox.Frame frame) {
        (frame.text() ? ws.writeTextMessage(frame.data().toString()) : ws.writeBinaryMessage(frame.data()))
                .onFailure(e -> {
                    // ComfyUI swallows write failures; we count them and close (serving spec 2.3).
                    if (!outbox.isClosed()) {
                        metrics.writeFailed();
                        outbox.close();
                        ws.close((short) 1011, "write failed").onFailure(x -> { });
                    }
                });
    }

    @Override
    public void closeStalled(String reason) {
        ws.close((short) 1013, reason.length() > 120 ? reason.substring(0, 120) : reason).onFailure(x -> { });
    }
}

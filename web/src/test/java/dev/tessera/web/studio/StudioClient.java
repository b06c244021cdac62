package dev.tessera.web.studio;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A studio client for the tests: one socket, every text event and binary frame it received, in order, and
 * helpers that wait for them. The {@link WebSocketClient} belongs to the test (a field, serving spec 4.5).
 */
final class StudioClient {

    /** A received message: a JSON event, or a binary frame's header and payload. */
    record Received(JsonObject event, BinaryFrames.Header header, byte[] payload) {
        boolean is(String type) {
            return event != null && type.equals(event.getString("type"));
        }

        String jobId() {
            return event != null ? event.getString("jobId") : header.jobId().toString();
        }
    }

    final WebSocket ws;
    private final List<Received> received = new ArrayList<>();
    private volatile boolean closed;
    /** Once set, later messages are ignored (a client that has decided to leave). */
    private volatile boolean deaf;

    private StudioClient(WebSocket ws) {
        this.ws = ws;
        ws.textMessageHandler(t -> add(new Received(new JsonObject(t), null, null)));
        ws.binaryMessageHandler(b -> add(new Received(null, BinaryFrames.header(b), BinaryFrames.payload(b))));
        ws.closeHandler(v -> closed = true);
    }

    static StudioClient connect(WebSocketClient client, int port, String origin) throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
        if (origin != null) {
            o.addHeader("Origin", origin);
        }
        return new StudioClient(client.connect(o).await(20, TimeUnit.SECONDS));
    }

    private synchronized void add(Received r) {
        if (!deaf) {
            received.add(r);
        }
    }

    void send(String type, String jobId, JsonObject data) {
        JsonObject m = new JsonObject().put("type", type).put("data", data);
        if (jobId != null) {
            m.put("jobId", jobId);
        }
        ws.writeTextMessage(m.encode());
    }

    JsonObject hello(JsonObject data) throws Exception {
        send("hello", null, data.put("protocol", 1));
        return await(r -> r.is("hello"), 10_000).event();
    }

    synchronized List<Received> all() {
        return new ArrayList<>(received);
    }

    List<Received> events(String type, String jobId) {
        return all().stream().filter(r -> r.is(type) && (jobId == null || jobId.equals(r.jobId()))).toList();
    }

    /** The highest seq of every event received except hello (what a client sends back as lastSeq). */
    long lastSeq() {
        long max = 0;
        for (Received r : all()) {
            if (r.event() != null && !r.is("hello")) {
                max = Math.max(max, r.event().getLong("seq"));
            } else if (r.header() != null) {
                max = Math.max(max, r.header().seq());
            }
        }
        return max;
    }

    void goDeaf() {
        deaf = true;
    }

    boolean closed() {
        return closed;
    }

    /** Waits for the first message that matches. */
    Received await(Predicate<Received> p, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (Received r : all()) {
                if (p.test(r)) {
                    return r;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching studio message within " + millis + " ms; got " + summary());
    }

    /** Waits until {@code count} messages match. */
    List<Received> awaitCount(Predicate<Received> p, int count, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            List<Received> hits = all().stream().filter(p).toList();
            if (hits.size() >= count) {
                return hits;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(count + " matching studio messages expected within " + millis + " ms; got "
                + summary());
    }

    String summary() {
        StringBuilder b = new StringBuilder();
        for (Received r : all()) {
            b.append(r.event() != null ? r.event().getString("type") + (r.event().containsKey("jobId") ? "("
                    + r.event().getString("jobId").substring(0, 4) + ")" : "") + (r.is("error") ? r.event().encode() : "")
                    : "bin" + r.header().type()).append(' ');
        }
        return b.toString();
    }

    static boolean terminal(Received r) {
        return r.is("result") || r.is("error") || r.is("cancelled");
    }

}

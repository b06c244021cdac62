package dev.tessera.web.studio;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Headless Firefox driven over WebDriver BiDi, the W3C protocol Firefox speaks natively on
 * {@code --remote-debugging-port} (JSON commands over a websocket at {@code /session}), so no geckodriver is
 * needed: Debian packages Firefox ESR but not geckodriver, and geckodriver's npm installers download it from
 * GitHub. Only what the studio test uses: a session, navigation, script evaluation and a screenshot.
 */
final class BiDiBrowser implements AutoCloseable {

    private final Process firefox;
    private final Vertx vertx = Vertx.vertx();
    private final WebSocket ws;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final String context;

    private BiDiBrowser(Process firefox, int port) throws Exception {
        this.firefox = firefox;
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
                .setMaxFrameSize(64 << 20));
        WebSocket socket = null;
        long end = System.currentTimeMillis() + 60_000;
        while (socket == null) {
            try {
                socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/session").setAllowOriginHeader(false)).await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Firefox refuses a handshake with an Origin header it was not told to allow: none is sent.
                if (System.currentTimeMillis() > end || !firefox.isAlive()) {
                    throw new IOException("Firefox's WebDriver BiDi endpoint on port " + port + " did not answer", e);
                }
                Thread.sleep(250);
            }
        }
        this.ws = socket;
        ws.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            CompletableFuture<JsonObject> f = m.getValue("id") instanceof Number n ? pending.remove(n.longValue()) : null;
            if (f != null) {
                f.complete(m);
            }
        });
        send("session.new", new JsonObject().put("capabilities", new JsonObject()));
        JsonObject tree = send("browsingContext.getTree", new JsonObject());
        this.context = tree.getJsonArray("contexts").getJsonObject(0).getString("context");
    }

    /** Starts headless Firefox with a fresh profile in {@code profile}. */
    static BiDiBrowser start(String binary, Path profile) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(profile);
        // No first-run pages, no update checks, no telemetry: a quiet browser that only loads what the test asks.
        Files.writeString(profile.resolve("user.js"), String.join("\n",
                "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
                "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
                "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
                "user_pref(\"app.update.disabledForTesting\", true);",
                "user_pref(\"media.autoplay.default\", 0);", ""));
        Process p = new ProcessBuilder(binary, "--headless", "--no-remote", "--profile", profile.toString(),
                "--remote-debugging-port", Integer.toString(port), "--width", "1280", "--height", "1100", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("firefox.log").toFile()).start();
        try {
            return new BiDiBrowser(p, port);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Sends a command and returns its {@code result}; a BiDi error becomes an AssertionError with its message. */
    JsonObject send(String method, JsonObject params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
        JsonObject answer = f.get(120, TimeUnit.SECONDS);
        if (!"success".equals(answer.getString("type"))) {
            throw new AssertionError(method + " failed: " + answer.encode());
        }
        return answer.getJsonObject("result");
    }

    void navigate(String url) throws Exception {
        send("browsingContext.navigate", new JsonObject().put("context", context).put("url", url).put("wait", "complete"));
    }

    /** Evaluates a JavaScript expression in the page (promises awaited) and returns its value as JSON-ish Java. */
    Object eval(String expression) throws Exception {
        JsonObject r = send("script.evaluate", new JsonObject().put("expression", expression)
                .put("target", new JsonObject().put("context", context)).put("awaitPromise", true));
        if ("exception".equals(r.getString("type"))) {
            throw new AssertionError("script threw: " + r.getJsonObject("exceptionDetails").encode());
        }
        JsonObject value = r.getJsonObject("result");
        return value.getValue("value");
    }

    /** Polls {@code predicate} (a boolean expression) until it holds. */
    void await(String predicate, int seconds) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!Boolean.TRUE.equals(eval(predicate))) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not true within " + seconds + " s in Firefox: " + predicate);
            }
            Thread.sleep(200);
        }
    }

    /** A PNG of the page's viewport. */
    byte[] screenshot() throws Exception {
        String b64 = send("browsingContext.captureScreenshot", new JsonObject().put("context", context)).getString("data");
        return java.util.Base64.getDecoder().decode(b64);
    }

    @Override
    public void close() throws Exception {
        try {
            if (ws != null) {
                send("session.end", new JsonObject());
            }
        } catch (Exception ignored) {
            // the browser is stopped below either way
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
            firefox.destroy();
            if (!firefox.waitFor(10, TimeUnit.SECONDS)) {
                firefox.destroyForcibly();
            }
        }
    }
}

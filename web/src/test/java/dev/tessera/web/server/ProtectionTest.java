package dev.tessera.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-client admission (429 past 8 concurrent REST calls per address), CORS off by default and on for
 * configured origins, and the token guarding every mutating route, on real loopback servers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProtectionTest {

    private static final String TOKEN = "protect-token";
    private static final String STUDIO = "https://studio.example:8443";

    @TempDir
    static Path models;

    static TesseraServer open;
    static TesseraServer guarded;
    // Java's client opens one connection per concurrent request, so 9 calls really are 9 at once.
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        open = TesseraServer.start(ServerOptions.local(0, models)).await(20, TimeUnit.SECONDS);
        guarded = TesseraServer.start(ServerOptions.local(0, models).withToken(TOKEN)
                .withProtection(HttpProtection.DEFAULTS.withCorsOrigins(List.of(STUDIO)))).await(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        open.stop().await(20, TimeUnit.SECONDS);
        guarded.stop().await(20, TimeUnit.SECONDS);
    }

    static HttpRequest.Builder request(TesseraServer server, String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(20));
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNinthConcurrentRestCallFromOneAddressIs429WithRetryAfterAndSlotsComeBack() throws Exception {
        Counter refused = open.node().registry().find("tessera.requests")
                .tags("model", "unknown", "front", "rest", "outcome", "rate_limited").counter();
        double refusedBefore = refused == null ? 0 : refused.count();
        // Eight calls that hold their slots for 3 s, then a ninth while they still hold them.
        List<CompletableFuture<HttpResponse<String>>> holders = new ArrayList<>();
        for (int i = 0; i < ClientAdmission.DEFAULT_MAX_CALLS; i++) {
            holders.add(HTTP.sendAsync(request(open, TestRoutes.SLOW_PATH + "?ms=3000").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        waitForSlots(ClientAdmission.DEFAULT_MAX_CALLS);
        long t0 = System.nanoTime();
        HttpResponse<String> ninth = send(request(open, TestRoutes.SLOW_PATH + "?ms=10").build());
        long ninthMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(429, ninth.statusCode(), ninth.body());
        assertEquals("1", ninth.headers().firstValue("Retry-After").orElse(null));
        JsonObject body = new JsonObject(ninth.body());
        assertEquals("rate_limited", body.getString("code"));
        assertEquals(1, body.getInteger("retryAfterSeconds"));
        assertTrue(body.getString("message").contains("8 REST calls"), body.encode());
        assertTrue(ninthMs < 2000, "refused at once, not after a slot freed: " + ninthMs + " ms");
        // Reads outside /api/ are never counted.
        assertEquals(200, send(request(open, "/health").build()).statusCode());
        for (CompletableFuture<HttpResponse<String>> h : holders) {
            assertEquals(200, h.get(20, TimeUnit.SECONDS).statusCode());
        }
        waitForSlots(0);
        assertEquals(200, send(request(open, TestRoutes.SLOW_PATH + "?ms=10").build()).statusCode(),
                "every slot came back when the calls ended");
        Counter after = open.node().registry().find("tessera.requests")
                .tags("model", "unknown", "front", "rest", "outcome", "rate_limited").counter();
        assertEquals(refusedBefore + 1, after.count(), 0);
    }

    /** Waits until the server's admission holds {@code n} slots for 127.0.0.1 (requests are asynchronous). */
    private static void waitForSlots(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double held = -1;
        while (System.nanoTime() < deadline) {
            held = open.node().registry().find("tessera.rest.calls.active").gauge() == null ? -1
                    : open.node().registry().find("tessera.rest.calls.active").gauge().value();
            if (held == n) {
                return;
            }
            Thread.sleep(20);
        }
        assertEquals(n, held, 0, "REST calls in progress");
    }

    @Test
    void corsHeadersAreAbsentByDefault() throws Exception {
        HttpResponse<String> get = send(request(open, "/health").header("Origin", STUDIO).build());
        assertEquals(200, get.statusCode());
        assertTrue(get.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        HttpResponse<String> preflight = send(request(open, "/api/v1/vocode").header("Origin", STUDIO)
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertTrue(preflight.statusCode() >= 400, "no preflight is answered: " + preflight.statusCode());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void corsHeadersArePresentForAConfiguredOriginOnly() throws Exception {
        HttpResponse<String> preflight = send(request(guarded, "/api/v1/vocode").header("Origin", STUDIO)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(STUDIO, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        String allowed = preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase();
        assertTrue(allowed.contains("authorization") && allowed.contains("content-type"), allowed);
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));

        HttpResponse<String> get = send(request(guarded, "/health").header("Origin", STUDIO).build());
        assertEquals(200, get.statusCode());
        assertEquals(STUDIO, get.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(get.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains(RequestIds.HEADER));

        HttpResponse<String> foreign = send(request(guarded, "/health").header("Origin", "https://evil.example")
                .build());
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals("forbidden", new JsonObject(foreign.body()).getString("code"));
        assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void everyMutatingRouteNeedsTheTokenAndHealthDoesNot() throws Exception {
        // The guard runs before routing, so it covers every POST, also routes other modules add later.
        for (String path : List.of("/api/v1/vocode", "/api/v1/images", "/api/v1/batches", "/api/v1/jobs/x/cancel")) {
            HttpResponse<String> r = send(request(guarded, path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertEquals(401, r.statusCode(), path + ": " + r.body());
            assertEquals("unauthorized", new JsonObject(r.body()).getString("code"));
            HttpResponse<String> delete = send(request(guarded, path).DELETE().build());
            assertEquals(401, delete.statusCode(), path);
        }
        HttpResponse<String> withToken = send(request(guarded, "/api/v1/images")
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")).build());
        assertTrue(withToken.statusCode() != 401, "the token passes: " + withToken.statusCode());
        assertEquals(200, send(request(guarded, "/health").build()).statusCode());
        assertEquals(200, send(request(guarded, "/ready").build()).statusCode());
    }

    @Test
    void originsMustBeExactOrigins() {
        for (String bad : List.of("*", "https://studio.example/", "ftp://x.example", "https://*.example")) {
            try {
                new HttpProtection(8, List.of(bad));
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(bad), expected.getMessage());
            }
        }
        assertEquals(List.of(STUDIO, "http://localhost:3000"),
                new HttpProtection(8, List.of(STUDIO, "http://localhost:3000")).corsOrigins());
    }
}

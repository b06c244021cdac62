package dev.tessera.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A server started with a token: changes and /ws need it, reads stay open. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BearerTokenTest {

    private static final String TOKEN = "s3cret-token";

    @TempDir
    static Path models;

    static TesseraServer server;

    WebClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = TesseraServer.start(ServerOptions.local(0, models).withToken(TOKEN)).await(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop().await(20, TimeUnit.SECONDS);
    }

    @BeforeEach
    void createClient(Vertx vertx) {
        client = WebClient.create(vertx);
    }

    @Test
    void aPostWithoutTheTokenIs401JsonAndWithItPasses(VertxTestContext tc) {
        post(null)
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(401, r.statusCode());
                        assertTrue(r.getHeader("WWW-Authenticate").startsWith("Bearer"));
                        JsonObject body = r.bodyAsJsonObject();
                        assertEquals("unauthorized", body.getString("code"));
                        assertEquals(r.getHeader(RequestIds.HEADER), body.getString("requestId"));
                    });
                    return post("Bearer wrong-token");
                })
                .compose(r -> {
                    tc.verify(() -> assertEquals(401, r.statusCode()));
                    return post("Bearer " + TOKEN);
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals(200, r.statusCode(), r.bodyAsString());
                    assertEquals(5, r.bodyAsJsonObject().getInteger("bytes"));
                    tc.completeNow();
                })));
    }

    @Test
    void healthReadyAndMetricsStayOpen(VertxTestContext tc) {
        Future.all(get("/health"), get("/ready"), get("/metrics")).onComplete(tc.succeeding(all -> tc.verify(() -> {
            for (int i = 0; i < 3; i++) {
                HttpResponse<Buffer> r = all.resultAt(i);
                assertEquals(200, r.statusCode(), r.bodyAsString());
            }
            tc.completeNow();
        })));
    }

    @Test
    void theStudioSocketNeedsTheTokenInTheHeaderOrTheQuery(VertxTestContext tc) {
        get("/ws")
                .compose(r -> {
                    tc.verify(() -> assertEquals(401, r.statusCode()));
                    return get("/ws?access_token=" + TOKEN);
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    // past the guard; a plain GET is no websocket upgrade, so no route answers it (the handshake
                    // handler checks the token of real upgrades the same way: BearerAuth.acceptsWebSocket)
                    assertEquals(404, r.statusCode());
                    tc.completeNow();
                })));
    }

    private Future<HttpResponse<Buffer>> get(String uri) {
        return client.get(server.port(), "127.0.0.1", uri).send();
    }

    private Future<HttpResponse<Buffer>> post(String authorization) {
        var request = client.post(server.port(), "127.0.0.1", "/test/echo");
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        return request.sendBuffer(Buffer.buffer("hello"));
    }
}

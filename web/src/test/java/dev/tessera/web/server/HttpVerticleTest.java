package dev.tessera.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
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

/** The HTTP front end of an in-process server without models or token, on a random port. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpVerticleTest {

    @TempDir
    static Path models;

    static TesseraServer server;

    WebClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = TesseraServer.start(ServerOptions.local(0, models)).await(20, TimeUnit.SECONDS);
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
    void serverListensOnTheRandomPortItReports() {
        assertTrue(server.port() > 0 && server.port() <= 65_535, "port " + server.port());
        assertEquals("http://127.0.0.1:" + server.port(), server.url());
    }

    @Test
    void healthIsUpAndCarriesARequestId(VertxTestContext tc) {
        get("/health").onComplete(tc.succeeding(r -> tc.verify(() -> {
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.getHeader("Content-Type"));
            assertEquals(new JsonObject().put("status", "UP"), r.bodyAsJsonObject());
            assertNotNull(r.getHeader(RequestIds.HEADER));
            tc.completeNow();
        })));
    }

    @Test
    void aWellFormedClientRequestIdIsEchoed(VertxTestContext tc) {
        client.get(server.port(), "127.0.0.1", "/health").putHeader(RequestIds.HEADER, "trace-42.a")
                .send().onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals("trace-42.a", r.getHeader(RequestIds.HEADER));
                    tc.completeNow();
                })));
    }

    @Test
    void readyFollowsTheStatesModelsPublish(VertxTestContext tc) {
        ModelRegistry registry = new ModelRegistry(server.node().vertx());
        String node = server.node().nodeId();
        get("/ready")
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode(), r.bodyAsString());
                        JsonObject body = r.bodyAsJsonObject();
                        assertEquals("READY", body.getString("status"));
                        assertEquals(node, body.getString("node"));
                        assertEquals(new JsonObject(), body.getJsonObject("models"));
                    });
                    return registry.publish(status("probe-a", ModelState.LOADING, node));
                })
                .compose(v -> get("/ready"))
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(503, r.statusCode(), r.bodyAsString());
                        JsonObject body = r.bodyAsJsonObject();
                        assertEquals("NOT_READY", body.getString("status"));
                        JsonObject probe = body.getJsonObject("models").getJsonObject("probe-a");
                        assertEquals("loading", probe.getString("state"));
                        assertEquals("v7", probe.getString("version"));
                        assertEquals(node, probe.getString("node"));
                        assertEquals(2, probe.getInteger("queue"));
                        assertEquals(1, probe.getInteger("lanes"));
                    });
                    return get("/ready/probe-a");
                })
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(503, r.statusCode());
                        assertEquals("loading", r.bodyAsJsonObject().getString("state"));
                    });
                    return registry.publish(status("probe-a", ModelState.READY, node));
                })
                .compose(v -> get("/ready"))
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode(), r.bodyAsString());
                        assertEquals("ready", r.bodyAsJsonObject().getJsonObject("models").getJsonObject("probe-a")
                                .getString("state"));
                    });
                    return get("/ready/probe-a");
                })
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode(), r.bodyAsString());
                        JsonObject body = r.bodyAsJsonObject();
                        assertEquals("READY", body.getString("status"));
                        assertEquals("probe-a", body.getString("model"));
                        assertEquals("ready", body.getString("state"));
                    });
                    return get("/ready/no-such-model");
                })
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(404, r.statusCode());
                        JsonObject body = r.bodyAsJsonObject();
                        assertEquals("not_found", body.getString("code"));
                        assertTrue(body.getString("message").contains("probe-a"), body.getString("message"));
                        assertEquals(r.getHeader(RequestIds.HEADER), body.getString("requestId"));
                    });
                    return registry.remove("probe-a", node);
                })
                .onComplete(tc.succeedingThenComplete());
    }

    @Test
    void metricsServePrometheusTextWhoseRequestCounterRises(VertxTestContext tc) {
        double[] before = new double[1];
        get("/metrics")
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode());
                        assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
                        String text = r.bodyAsString();
                        assertTrue(text.contains("jvm_memory_used_bytes"), "no JVM metrics");
                        before[0] = sum(text, "vertx_http_server_requests_total");
                    });
                    return Future.all(get("/health"), get("/health"), get("/health"), get("/health"), get("/health"));
                })
                .compose(all -> get("/metrics"))
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    double after = sum(r.bodyAsString(), "vertx_http_server_requests_total");
                    // the first scrape and the five health checks, at least
                    assertTrue(after >= before[0] + 6, "requests counted before " + before[0] + ", after " + after);
                    tc.completeNow();
                })));
    }

    @Test
    void anUnknownPathIs404JsonWithItsRequestId(VertxTestContext tc) {
        get("/no/such/path").onComplete(tc.succeeding(r -> tc.verify(() -> {
            assertEquals(404, r.statusCode());
            assertEquals("application/json", r.getHeader("Content-Type"));
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("not_found", body.getString("code"));
            assertTrue(body.getString("message").contains("/no/such/path"), body.getString("message"));
            assertEquals(r.getHeader(RequestIds.HEADER), body.getString("requestId"));
            assertFalse(body.getString("requestId").isBlank());
            tc.completeNow();
        })));
    }

    @Test
    void aWrongMethodIs405Json(VertxTestContext tc) {
        client.delete(server.port(), "127.0.0.1", "/health").send().onComplete(tc.succeeding(r -> tc.verify(() -> {
            assertEquals(405, r.statusCode());
            assertEquals("method_not_allowed", r.bodyAsJsonObject().getString("code"));
            assertNotNull(r.bodyAsJsonObject().getString("requestId"));
            tc.completeNow();
        })));
    }

    @Test
    void bodiesAreReadUpTo1MiBAndLargerOnesAre413Json(VertxTestContext tc) {
        post("/test/echo", Buffer.buffer(new byte[1024]))
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode(), r.bodyAsString());
                        assertEquals(1024, r.bodyAsJsonObject().getInteger("bytes"));
                    });
                    return post("/test/echo", Buffer.buffer(new byte[2 << 20]));
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals(413, r.statusCode());
                    JsonObject body = r.bodyAsJsonObject();
                    assertEquals("too_large", body.getString("code"));
                    assertEquals(r.getHeader(RequestIds.HEADER), body.getString("requestId"));
                    tc.completeNow();
                })));
    }

    @Test
    void aContributorsOwnBodyLimitReplacesTheDefault(VertxTestContext tc) {
        post("/test/big", Buffer.buffer(new byte[2 << 20]))
                .compose(r -> {
                    tc.verify(() -> {
                        assertEquals(200, r.statusCode(), r.bodyAsString());
                        assertEquals(2 << 20, r.bodyAsJsonObject().getInteger("bytes"));
                    });
                    return post("/test/big", Buffer.buffer(new byte[(int) TestRoutes.BIG_LIMIT + 1]));
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals(413, r.statusCode());
                    tc.completeNow();
                })));
    }

    @Test
    void anUncaughtHandlerFailureIs500InternalNamingTheLogId(VertxTestContext tc) {
        get("/test/boom").onComplete(tc.succeeding(r -> tc.verify(() -> {
            assertEquals(500, r.statusCode());
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("internal", body.getString("code"));
            String id = r.getHeader(RequestIds.HEADER);
            assertEquals(id, body.getString("requestId"));
            assertTrue(body.getString("message").contains(id), body.getString("message"));
            assertFalse(body.getString("message").contains("boom"), "internal details leaked");
            tc.completeNow();
        })));
    }

    @Test
    void anApiExceptionKeepsItsStatusCodeAndRetryAfter(VertxTestContext tc) {
        get("/test/teapot").onComplete(tc.succeeding(r -> tc.verify(() -> {
            assertEquals(418, r.statusCode());
            assertEquals("3", r.getHeader("Retry-After"));
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("teapot", body.getString("code"));
            assertEquals(3, body.getInteger("retryAfterSeconds"));
            tc.completeNow();
        })));
    }

    @Test
    void noCorsHeadersAreSent(VertxTestContext tc) {
        client.get(server.port(), "127.0.0.1", "/health").putHeader("Origin", "http://elsewhere.example")
                .send().onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals(200, r.statusCode());
                    assertEquals(null, r.getHeader("Access-Control-Allow-Origin"));
                    tc.completeNow();
                })));
    }

    private Future<HttpResponse<Buffer>> get(String path) {
        return client.get(server.port(), "127.0.0.1", path).send();
    }

    private Future<HttpResponse<Buffer>> post(String path, Buffer body) {
        return client.post(server.port(), "127.0.0.1", path).sendBuffer(body);
    }

    private static ModelStatus status(String name, ModelState state, String node) {
        return new ModelStatus(name, "tessera.test." + name, state, "v7", node, 2, 1, "",
                System.currentTimeMillis());
    }

    /** Sum of every sample of one metric in Prometheus text (all label sets). */
    static double sum(String prometheusText, String metric) {
        double total = 0;
        boolean found = false;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        assertTrue(found, "no " + metric + " in the scrape");
        return total;
    }
}

package dev.tessera.web.server;

import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.Addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.cluster.NodeOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping whole servers: model deployment, serving.json, ports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TesseraServerTest {

    @TempDir
    Path models;

    Vertx clientVertx;
    WebClient client;

    @BeforeEach
    void createClient() {
        clientVertx = Vertx.vertx();
        client = WebClient.create(clientVertx);
    }

    @AfterEach
    void closeClient() throws Exception {
        clientVertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void installedModelsAreDeployedAsWorkersWithTheirServingConfig() throws Exception {
        Path modelDir = Files.createDirectories(models.resolve(FakeModelProvider.NAME));
        Files.writeString(modelDir.resolve(TesseraServer.SERVING_CONFIG), "{\"lanes\": 3, \"maxQueue\": 7}");
        int stopsBefore = FakeModelVerticle.STOPS.get();

        TesseraServer server = TesseraServer.start(ServerOptions.local(0, models)).await(30, TimeUnit.SECONDS);
        try {
            assertEquals(Set.of(FakeModelProvider.NAME), server.models());
            HttpResponse<Buffer> ready = client.get(server.port(), "127.0.0.1", "/ready/" + FakeModelProvider.NAME)
                    .send().await(10, TimeUnit.SECONDS);
            assertEquals(200, ready.statusCode(), ready.bodyAsString());
            JsonObject body = ready.bodyAsJsonObject();
            assertEquals("ready", body.getString("state"));
            assertEquals("worker", body.getString("version"), "the fake reports the kind of thread it started on");
            assertEquals(3, body.getInteger("lanes"));

            JsonObject reply = server.node().vertx().eventBus()
                    .<JsonObject>request(FakeModelProvider.ADDRESS, new JsonObject())
                    .await(10, TimeUnit.SECONDS).body();
            assertEquals(7, reply.getJsonObject("config").getInteger("maxQueue"));
            assertEquals(modelDir.toString(), reply.getString("modelDir"));
        } finally {
            server.stop().await(30, TimeUnit.SECONDS);
        }
        assertEquals(stopsBefore + 1, FakeModelVerticle.STOPS.get(), "stop() undeploys the model");
    }

    @Test
    void aModelWithBrokenServingJsonFailsStartNamingTheFile() throws Exception {
        Path modelDir = Files.createDirectories(models.resolve(FakeModelProvider.NAME));
        Files.writeString(modelDir.resolve(TesseraServer.SERVING_CONFIG), "{\"lanes\": ");

        Exception e = assertThrows(Exception.class,
                () -> TesseraServer.start(ServerOptions.local(0, models)).await(30, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains(FakeModelProvider.NAME) && e.getMessage().contains("serving.json"),
                e.getMessage());
    }

    @Test
    void portZeroGivesEachServerItsOwnFreePortAndStopFreesIt() throws Exception {
        TesseraServer first = TesseraServer.start(ServerOptions.local(0, models)).await(20, TimeUnit.SECONDS);
        TesseraServer second = TesseraServer.start(ServerOptions.local(0, models)).await(20, TimeUnit.SECONDS);
        int port = first.port();
        try {
            assertNotEquals(port, second.port());
            assertEquals(200, client.get(port, "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).statusCode());
        } finally {
            first.stop().await(20, TimeUnit.SECONDS);
            second.stop().await(20, TimeUnit.SECONDS);
        }
        assertThrows(Exception.class, () -> client.get(port, "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS));
    }

    @Test
    void probeOptionServesTheProbeModelEndToEnd() throws Exception {
        TesseraServer server = TesseraServer.start(ServerOptions.local(0, models).withProbe(true))
                .await(60, TimeUnit.SECONDS);
        try {
            assertTrue(server.models().contains("probe"), "deployed: " + server.models());
            JsonObject ready = client.get(server.port(), "127.0.0.1", "/ready/probe").send()
                    .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
            assertEquals("ready", ready.getString("state"), ready.encode());
            // A real request over the node's bus reaches the probe and returns 64 finite outputs.
            float[] x = new float[64];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i - 32) / 32f;
            }
            TesseraPayload reply = ModelClient.request(server.node().vertx().eventBus(), Addresses.PROBE_INFER,
                    java.util.UUID.randomUUID().toString(),
                    TesseraPayload.of(new JsonObject(), TesseraPayload.Blob.ofFloats("x", x, 64)),
                    10_000, "test").await(20, TimeUnit.SECONDS).body();
            float[] y = reply.requireBlob("y").toFloats();
            assertEquals(64, y.length);
            for (float v : y) {
                assertTrue(Float.isFinite(v));
            }
            String metrics = client.get(server.port(), "127.0.0.1", "/metrics").send()
                    .await(10, TimeUnit.SECONDS).bodyAsString();
            assertTrue(metrics.contains("tessera_requests_total{") && metrics.contains("model=\"probe\""),
                    "the probe's request is counted in /metrics");
        } finally {
            server.stop().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNodeWithoutHttpMustJoinACluster() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerOptions("127.0.0.1", 0, models, NodeOptions.local(), false, null));
        assertTrue(e.getMessage().contains("cluster"), e.getMessage());
    }
}

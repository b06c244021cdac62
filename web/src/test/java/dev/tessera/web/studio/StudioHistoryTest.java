package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.jobs.BatchRunner;
import dev.tessera.web.jobs.JobStore;
import dev.tessera.web.jobs.JobStores;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Studio history across a restart (serving spec 1), with a real server, a SQLite job store and a tiny image
 * model: a finished job's state and output survive the restart (the output read back from the output folder),
 * a job the stopped server left running reads {@code failed/interrupted}, an id never seen gets 404, and a
 * client that comes back after the restart is resynced from the store.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StudioHistoryTest {

    @TempDir
    Path dir;

    @Test
    void historySurvivesARestartAndUnfinishedJobsReadInterrupted() throws Exception {
        Path models = dir.resolve("models");
        TinyImageModels.write(models, 11, false);
        Path db = dir.resolve("jobs.db");
        ServerOptions options = ServerOptions.local(0, models).withBatch(new ServerOptions.BatchOptions("sqlite:" + db,
                dir.resolve("outputs"), null, new BatchRunner.Settings(10_000, 1_000, 2, 200)));
        Vertx clientVertx = Vertx.vertx();
        WebSocketClient sockets = clientVertx.createWebSocketClient();
        WebClient http = WebClient.create(clientVertx);
        String done = UUID.randomUUID().toString();
        String leftRunning = UUID.randomUUID().toString();
        byte[] png;
        try {
            // First run: one image job to the end.
            TesseraServer first = TesseraServer.start(options).await(180, TimeUnit.SECONDS);
            try {
                StudioClient c = StudioClient.connect(sockets, first.port(), null);
                c.hello(new JsonObject().put("clientId", "alice"));
                c.send("generate", done, new JsonObject().put("model", "image-ar").put("params", new JsonObject()
                        .put("count", 1).put("seed", 3).put("class", "circle").put("cfgScale", 1)));
                JsonObject result = c.await(r -> r.is("result") && done.equals(r.jobId()), 120_000).event()
                        .getJsonObject("data");
                String url = result.getJsonArray("outputs").getJsonObject(0).getString("url");
                png = get(http, first.port(), url).body().getBytes();
                assertTrue(png.length > 100, "a PNG came back: " + png.length + " bytes");
                c.ws.close().await(10, TimeUnit.SECONDS);
            } finally {
                first.stop().await(60, TimeUnit.SECONDS);
            }
            assertTrue(Files.isRegularFile(dir.resolve("outputs").resolve(done).resolve("image0.png")),
                    "the output was written to the output folder");

            // What a killed server leaves: a job recorded as running that never ended.
            JobStore store = JobStores.sqlite(db, System::currentTimeMillis).await(20, TimeUnit.SECONDS);
            try {
                JobStore.StudioRecord running = new JobStore.StudioRecord(leftRunning, "alice", "image-ar", "running",
                        new JsonObject().put("jobId", leftRunning).put("model", "image-ar").put("state", "running")
                                .put("progress", 0.25), System.currentTimeMillis(), 0);
                store.saveStudioJob(running).await(20, TimeUnit.SECONDS);
            } finally {
                store.close().await(10, TimeUnit.SECONDS);
            }

            // Second run on the same store and output folder.
            TesseraServer second = TesseraServer.start(options).await(180, TimeUnit.SECONDS);
            try {
                int port = second.port();
                JsonObject finished = get(http, port, "/api/v1/jobs/" + done).bodyAsJsonObject();
                assertEquals("succeeded", finished.getString("state"), finished.encode());
                assertArrayEquals(png, get(http, port, "/api/v1/jobs/" + done + "/outputs/image0.png").body().getBytes(),
                        "the output is served from the output folder after the restart");
                JsonObject interrupted = get(http, port, "/api/v1/jobs/" + leftRunning).bodyAsJsonObject();
                assertEquals("failed", interrupted.getString("state"), interrupted.encode());
                assertEquals("interrupted", interrupted.getJsonObject("error").getString("code"), interrupted.encode());
                assertEquals(404, http.get(port, "127.0.0.1", "/api/v1/jobs/" + UUID.randomUUID()).send()
                        .await(10, TimeUnit.SECONDS).statusCode(), "an id the store has never seen");
                assertEquals(404, http.get(port, "127.0.0.1", "/api/v1/jobs/" + done + "/outputs/image9.png").send()
                        .await(10, TimeUnit.SECONDS).statusCode());
                JsonObject ack = http.post(port, "127.0.0.1", "/api/v1/jobs/" + done + "/cancel").send()
                        .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
                assertEquals(new JsonObject().put("cancelled", false).put("state", "succeeded"), ack);

                // The client comes back: its session is gone with the old process, so it is resynced from the store.
                StudioClient c = StudioClient.connect(sockets, port, null);
                JsonObject hello = c.hello(new JsonObject().put("clientId", "alice").put("lastSeq", 7));
                assertFalse(hello.getJsonObject("data").getBoolean("resumed"));
                JsonArray jobs = c.await(r -> r.is("resync"), 10_000).event().getJsonObject("data").getJsonArray("jobs");
                Map<String, String> states = jobs.stream().map(JsonObject.class::cast)
                        .collect(Collectors.toMap(j -> j.getString("jobId"), j -> j.getString("state")));
                assertEquals(Map.of(done, "succeeded", leftRunning, "failed"), states, jobs.encode());
                // Subscribing to a finished job of the earlier run gives its one terminal event.
                StudioClient bob = StudioClient.connect(sockets, port, null);
                bob.hello(new JsonObject().put("clientId", "bob"));
                bob.send("subscribe", done, new JsonObject());
                JsonObject replayed = bob.await(r -> r.is("result") && done.equals(r.jobId()), 10_000).event();
                assertEquals("image0.png", replayed.getJsonObject("data").getJsonArray("outputs").getJsonObject(0)
                        .getString("name"));
                c.send("cancel", leftRunning, new JsonObject());
                JsonObject cancelAck = c.await(r -> r.is("cancel_ack"), 10_000).event().getJsonObject("data");
                assertEquals(new JsonObject().put("cancelled", false).put("state", "failed"), cancelAck);
                List.of(c, bob).forEach(s -> s.ws.close());
            } finally {
                second.stop().await(60, TimeUnit.SECONDS);
            }
        } finally {
            clientVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<Buffer> get(WebClient http, int port, String path) throws Exception {
        HttpResponse<Buffer> r = http.get(port, "127.0.0.1", path).send().await(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
        return r;
    }
}

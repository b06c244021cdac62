package dev.tessera.web.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavAudio;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavReader;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.api.TinyVocoderModel;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/batches} on a loopback server with tiny real image and vocoder models and a SQLite store:
 * a mixed batch runs to the end and every output downloads with the size and hash the store recorded;
 * idempotency keys; per-item 400s; cancel; path traversal on downloads; {@code /ready} with the store.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BatchRoutesTest {

    @TempDir
    static Path dir;

    static TesseraServer server;
    static Vertx clientVertx;
    static WebClient client;
    static HttpClient raw;

    @BeforeAll
    static void start() throws Exception {
        Path models = dir.resolve("models");
        TinyImageModels.write(models, 3, false);
        TinyVocoderModel.write(models, 51);
        Path inputs = Files.createDirectories(dir.resolve("inputs/speech"));
        Files.write(inputs.resolve("tone.wav"), WavWriter.write(TinyVocoderModel.tone(220, 2_000, 22_050), 22_050,
                WavEncoding.PCM_16));
        Files.writeString(dir.resolve("secret.wav"), "not yours");
        server = TesseraServer.start(ServerOptions.local(0, models).withBatch(new ServerOptions.BatchOptions(
                "sqlite:" + dir.resolve("jobs.db"), dir.resolve("outputs"), dir.resolve("inputs"),
                new BatchRunner.Settings(10_000, 1_000, 2, 200)))).await(120, TimeUnit.SECONDS);
        clientVertx = Vertx.vertx();
        client = WebClient.create(clientVertx);
        raw = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws Exception {
        clientVertx.close().await(10, TimeUnit.SECONDS);
        server.stop().await(60, TimeUnit.SECONDS);
    }

    static HttpResponse<Buffer> post(String path, JsonObject body, String key) throws Exception {
        var request = client.post(server.port(), "127.0.0.1", path);
        if (key != null) {
            request.putHeader(BatchRoutes.IDEMPOTENCY_KEY, key);
        }
        return request.sendJsonObject(body).await(60, TimeUnit.SECONDS);
    }

    static HttpResponse<Buffer> get(String path) throws Exception {
        return client.get(server.port(), "127.0.0.1", path).send().await(60, TimeUnit.SECONDS);
    }

    /** Polls a batch until it has no queued or running item. */
    static JsonObject awaitFinished(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            JsonObject status = get(BatchRoutes.PATH + "/" + id).bodyAsJsonObject();
            JsonObject c = status.getJsonObject("counts");
            if (c.getInteger("queued") + c.getInteger("running") == 0) {
                return status;
            }
            assertTrue(System.nanoTime() < deadline, "batch still unfinished: " + status.encode());
            Thread.sleep(200);
        }
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static JsonObject image(int cls, long seed, String output) {
        return new JsonObject().put("kind", "image").put("model", "image-ar")
                .put("params", new JsonObject().put("class", cls).put("seed", seed)).put("output", output);
    }

    static JsonObject audio(JsonObject params, String output) {
        return new JsonObject().put("kind", "audio").put("model", "vocoder").put("params", params.put("steps", 2))
                .put("output", output);
    }

    @Test
    void aMixedBatchRunsToTheEndAndEveryOutputDownloadsWithItsRecordedHash() throws Exception {
        byte[] wav = WavWriter.write(TinyVocoderModel.tone(330, 3_000, 22_050), 22_050, WavEncoding.PCM_16);
        JsonObject body = new JsonObject().put("name", "mixed").put("items", new JsonArray()
                .add(image(0, 1, "a.png"))
                .add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("class", "star")
                        .put("seed", 2).put("topK", 4)).put("output", "b.png"))
                .add(audio(new JsonObject().put("wav", b64(wav)), "inline.wav"))
                .add(audio(new JsonObject().put("input", "speech/tone.wav").put("sampler", "euler"), "file.wav"))
                .add(audio(new JsonObject().put("npy", b64(TinyVocoderModel.npy(TinyVocoderModel.mel(6, 2), 80, 6))),
                        "mel.wav")));
        HttpResponse<Buffer> created = post(BatchRoutes.PATH, body, "mixed-1");
        assertEquals(202, created.statusCode(), created.bodyAsString());
        String id = created.bodyAsJsonObject().getString("id");
        assertEquals(BatchRoutes.PATH + "/" + id, created.getHeader("Location"));
        assertEquals(5, created.bodyAsJsonObject().getInteger("items"));

        HttpResponse<Buffer> replay = post(BatchRoutes.PATH, body, "mixed-1");
        assertEquals(202, replay.statusCode());
        assertEquals(id, replay.bodyAsJsonObject().getString("id"));
        assertEquals("true", replay.getHeader("Idempotent-Replayed"));
        HttpResponse<Buffer> conflict = post(BatchRoutes.PATH, body.copy().put("name", "other"), "mixed-1");
        assertEquals(409, conflict.statusCode(), conflict.bodyAsString());
        assertEquals("conflict", conflict.bodyAsJsonObject().getString("code"));

        JsonObject done = awaitFinished(id);
        assertEquals("succeeded", done.getString("state"), done.encode());
        assertEquals(1.0, done.getDouble("overall"));
        JsonArray outputs = get(BatchRoutes.PATH + "/" + id + "/outputs").bodyAsJsonObject().getJsonArray("outputs");
        assertEquals(5, outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            JsonObject o = outputs.getJsonObject(i);
            HttpResponse<Buffer> file = get(o.getString("url"));
            assertEquals(200, file.statusCode(), o.encode());
            byte[] bytes = file.body().getBytes();
            assertEquals(o.getLong("bytes"), bytes.length);
            assertEquals(o.getString("sha256"), OutputFiles.sha256(bytes));
            assertEquals(o.getString("mime"), file.getHeader("Content-Type"));
        }
        byte[] png = get(BatchRoutes.PATH + "/" + id + "/outputs/a.png").body().getBytes();
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        WavAudio inline = new WavReader().read(get(BatchRoutes.PATH + "/" + id + "/outputs/inline.wav").body().getBytes());
        assertEquals(22_050, inline.sampleRate());
        assertEquals(11 * 256, inline.frames(), "3,000 samples vocode to 11 whole frames");
        assertEquals(7 * 256, new WavReader().read(get(BatchRoutes.PATH + "/" + id + "/outputs/file.wav").body()
                .getBytes()).frames());
        assertEquals(6 * 256, new WavReader().read(get(BatchRoutes.PATH + "/" + id + "/outputs/mel.wav").body()
                .getBytes()).frames());
        try (var files = Files.list(dir.resolve("outputs").resolve(id))) {
            assertEquals(Set.of("a.png", "b.png", "inline.wav", "file.wav", "mel.wav"),
                    Set.copyOf(files.map(f -> f.getFileName().toString()).toList()), "no temporary file is left");
        }
        for (Object item : done.getJsonArray("items")) {
            assertEquals(1, ((JsonObject) item).getInteger("attempts"));
        }

        // The archive: every output with the bytes the single downloads gave, and the manifest.
        HttpResponse<Buffer> zip = get(BatchRoutes.PATH + "/" + id + "/archive");
        assertEquals(200, zip.statusCode(), zip.bodyAsString());
        assertEquals("application/zip", zip.getHeader("Content-Type"));
        assertEquals("attachment; filename=\"mixed.zip\"", zip.getHeader("Content-Disposition"));
        java.util.Map<String, byte[]> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(zip.body().getBytes()))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals(Set.of("a.png", "b.png", "inline.wav", "file.wav", "mel.wav", "manifest.json"), entries.keySet());
        for (int i = 0; i < outputs.size(); i++) {
            JsonObject o = outputs.getJsonObject(i);
            assertEquals(o.getString("sha256"), OutputFiles.sha256(entries.get(o.getString("name"))), o.encode());
        }
        JsonObject manifest = new JsonObject(new String(entries.get("manifest.json"), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("succeeded", manifest.getString("state"));
        assertEquals(5, manifest.getJsonArray("items").size());
        assertEquals(404, get(BatchRoutes.PATH + "/00000000-0000-4000-8000-000000000000/archive").statusCode());
    }

    @Test
    void everyInvalidItemIsNamedInOne400AndNothingIsQueued() throws Exception {
        JsonObject body = new JsonObject().put("items", new JsonArray()
                .add(image(0, 1, "ok.png"))
                .add(new JsonObject().put("kind", "video").put("output", "x.mp4"))
                .add(image(0, 1, "../escape.png"))
                .add(image(0, 1, "ok.png"))
                .add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("count", 2)).put("output", "c.png"))
                .add(new JsonObject().put("kind", "image").put("params", new JsonObject().put("top_k", 2)).put("output", "d.png"))
                .add(audio(new JsonObject(), "none.wav"))
                .add(audio(new JsonObject().put("input", "../secret.wav"), "up.wav"))
                .add(audio(new JsonObject().put("input", dir.resolve("secret.wav").toString()), "abs.wav"))
                .add(audio(new JsonObject().put("wav", b64("RIFF junk".getBytes())), "junk.wav"))
                .add(new JsonObject().put("kind", "audio").put("params", new JsonObject().put("input", "speech/tone.wav")
                        .put("steps", 999)).put("output", "steps.wav")));
        HttpResponse<Buffer> r = post(BatchRoutes.PATH, body, null);
        assertEquals(400, r.statusCode(), r.bodyAsString());
        JsonObject error = r.bodyAsJsonObject();
        assertEquals("bad_input", error.getString("code"));
        JsonObject fields = error.getJsonObject("details").getJsonObject("fields");
        assertEquals(Set.of("items[1].kind", "items[2].output", "items[3].output", "items[4].params.count",
                "items[5].params.top_k", "items[6].params.input", "items[7].params.input", "items[8].params.input",
                "items[9].params.wav", "items[10].params.steps"), fields.fieldNames(), fields.encodePrettily());
        assertTrue(error.getString("message").startsWith("10 items are invalid"), error.getString("message"));
        assertEquals(0, get(BatchRoutes.PATH).bodyAsJsonObject().getJsonArray("batches").stream()
                .filter(b -> ((JsonObject) b).getInteger("items") == 11).count());

        assertEquals(400, post(BatchRoutes.PATH, new JsonObject().put("items", new JsonArray()), null).statusCode());
        HttpResponse<Buffer> notJson = client.post(server.port(), "127.0.0.1", BatchRoutes.PATH)
                .sendBuffer(Buffer.buffer("[1, 2")).await(20, TimeUnit.SECONDS);
        assertEquals(400, notJson.statusCode());
    }

    @Test
    void outputsAreServedOnlyFromTheOutputFolder() throws Exception {
        HttpResponse<Buffer> created = post(BatchRoutes.PATH, new JsonObject().put("items", new JsonArray()
                .add(image(1, 5, "only.png"))), null);
        String id = created.bodyAsJsonObject().getString("id");
        awaitFinished(id);
        String base = "http://127.0.0.1:" + server.port() + BatchRoutes.PATH + "/" + id + "/outputs/";
        List<String> attacks = List.of("../../jobs.db", "..%2F..%2Fjobs.db", "%2e%2e%2f%2e%2e%2fjobs.db",
                "%2E%2E/%2E%2E/jobs.db", "..%5C..%5Cjobs.db", "..\\..\\jobs.db", "%2Fetc%2Fpasswd", "/etc/passwd",
                "%252e%252e%252fjobs.db", ".only.png", "only.png%00.txt", "%2e%2e%2f");
        // (A bare "outputs/.." is the batch's own status after URL normalisation: not a file, not a traversal.)
        for (String attack : attacks) {
            // java.net.http sends the path as written (Vert.x's client would normalise it first).
            var response = raw.send(HttpRequest.newBuilder(URI.create(base + attack.replace("\\", "%5C"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() == 400 || response.statusCode() == 404,
                    attack + " -> " + response.statusCode() + " " + response.body());
            assertFalse(response.body().contains("SQLite"), attack + " leaked the store");
        }
        var sibling = raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + BatchRoutes.PATH
                + "/" + id + "/outputs/..%2F..%2Fsecret.wav")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, sibling.statusCode(), sibling.body());
        assertEquals(404, get(BatchRoutes.PATH + "/" + id + "/outputs/missing.png").statusCode());
        assertEquals(404, get(BatchRoutes.PATH + "/not-a-batch/outputs/only.png").statusCode());
        assertEquals(200, get(BatchRoutes.PATH + "/" + id + "/outputs/only.png").statusCode());
    }

    @Test
    void cancelStopsItemsThatHaveNotStartedAndIsIdempotent() throws Exception {
        JsonArray items = new JsonArray();
        for (int i = 0; i < 12; i++) {
            items.add(image(i % 4, 100 + i, "c" + i + ".png"));
        }
        String id = post(BatchRoutes.PATH, new JsonObject().put("items", items), null).bodyAsJsonObject().getString("id");
        HttpResponse<Buffer> cancel = client.delete(server.port(), "127.0.0.1", BatchRoutes.PATH + "/" + id).send()
                .await(20, TimeUnit.SECONDS);
        assertEquals(200, cancel.statusCode(), cancel.bodyAsString());
        assertTrue(cancel.bodyAsJsonObject().getBoolean("cancelled"));
        int cancelled = cancel.bodyAsJsonObject().getInteger("items");
        assertTrue(cancelled >= 8, "at most 2 items were in flight: " + cancel.bodyAsString());
        JsonObject done = awaitFinished(id);
        assertEquals("cancelled", done.getString("state"));
        assertEquals(cancelled, done.getJsonObject("counts").getInteger("cancelled"));
        assertEquals(12 - cancelled, done.getJsonObject("counts").getInteger("succeeded"), "running items finish");
        HttpResponse<Buffer> again = post(BatchRoutes.PATH + "/" + id + "/cancel", new JsonObject(), null);
        assertEquals(200, again.statusCode());
        assertEquals(0, again.bodyAsJsonObject().getInteger("items"));
        assertEquals("cancelled", again.bodyAsJsonObject().getString("state"));
        assertEquals(404, post(BatchRoutes.PATH + "/00000000-0000-0000-0000-000000000000/cancel", new JsonObject(), null)
                .statusCode());
    }

    @Test
    void readinessReportsTheStore() throws Exception {
        JsonObject ready = get("/ready").bodyAsJsonObject();
        assertEquals("ready", ready.getJsonObject("store").getString("state"), ready.encode());
        assertTrue(ready.getJsonObject("store").getString("url").startsWith("sqlite:"));
    }
}

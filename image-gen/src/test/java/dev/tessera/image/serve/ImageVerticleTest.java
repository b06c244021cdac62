package dev.tessera.image.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProvider;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.sample.RgbImage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera.image.generate} on a real Vert.x, served from tiny random checkpoints written to a temp
 * models folder in the installed layout (real models, only tiny): results, progress with previews, cancel,
 * validation and micro-batching.
 */
@ExtendWith(VertxExtension.class)
class ImageVerticleTest {

    @TempDir
    static Path models;

    private Vertx vertx;

    @BeforeAll
    static void installTinyModels() throws IOException {
        Engines.start();
        TinyImageModels.write(models, 3, false);
    }

    @BeforeEach
    void setUp(Vertx vertx) {
        this.vertx = vertx;
        Codecs.registerAll(vertx);
    }

    private void deploy(JsonObject config) throws Exception {
        ModelProviders.deploy(vertx, new ImageModelProvider(), models.resolve(ImageGenerator.AR_DIR),
                config.copy().put("previewIntervalMs", 0)).await(60, TimeUnit.SECONDS);
    }

    private Future<Message<TesseraPayload>> send(String jobId, JsonObject params) {
        return ModelClient.request(vertx.eventBus(), Addresses.IMAGE_GENERATE, jobId, TesseraPayload.of(params), 0, null);
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.await(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 60 s", e);
        }
    }

    private static JobFailure awaitFailure(Future<?> f) throws Exception {
        Object settled = await(f.map(v -> (Object) v).otherwise(e -> e));
        if (settled instanceof JobFailure failure) {
            return failure;
        }
        throw new AssertionError("expected a JobFailure, got " + settled);
    }

    private static List<List<Long>> tokens(TesseraPayload reply) {
        JsonArray all = reply.params().getJsonArray("tokens");
        return all.stream().map(g -> ((JsonArray) g).stream().map(t -> ((Number) t).longValue()).toList()).toList();
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void generateReturnsCountValidPngsOf32x32AndTheirTokensReproducibleBySeed() throws Exception {
        deploy(new JsonObject());
        JsonObject params = new JsonObject().put("class", "square").put("count", 3).put("seed", 42);
        TesseraPayload reply = await(send(UUID.randomUUID().toString(), params)).body();
        assertEquals(3, reply.blobs().size());
        List<List<Long>> tokens = tokens(reply);
        assertEquals(3, tokens.size());
        for (int i = 0; i < 3; i++) {
            TesseraPayload.Blob png = reply.requireBlob("image" + i);
            assertEquals("image/png", png.mime());
            RgbImage image = RgbImage.readPng(png.bytes());
            assertEquals(32, image.width());
            assertEquals(32, image.height());
            assertEquals(64, tokens.get(i).size());
            assertTrue(tokens.get(i).stream().allMatch(t -> t >= 0 && t < 256), tokens.get(i).toString());
        }
        assertFalse(tokens.get(0).equals(tokens.get(1)), "images of one request differ");
        assertEquals(42L, reply.params().getLong("seed"));
        assertEquals(1, reply.params().getInteger("class"));
        assertEquals("square", reply.params().getString("className"));
        assertEquals("factorized", reply.params().getString("kind"));
        assertEquals(new JsonArray().add(3.0).add(3.0), reply.params().getJsonObject("sampling").getJsonArray("cfgScale"));

        // The same seed gives the same images; image 0 does not depend on how many were asked for.
        TesseraPayload again = await(send(UUID.randomUUID().toString(), params.copy().put("count", 1))).body();
        assertEquals(tokens.get(0), tokens(again).get(0));
        assertArrayEquals(reply.requireBlob("image0").bytes(), again.requireBlob("image0").bytes());

        // Without a seed one is drawn and reported; without a class the image is unconditional.
        TesseraPayload drawn = await(send(UUID.randomUUID().toString(), new JsonObject())).body();
        assertTrue(drawn.params().getLong("seed") >= 0);
        assertNull(drawn.params().getValue("class"));
        assertEquals(new JsonArray().add(1.0).add(1.0), drawn.params().getJsonObject("sampling").getJsonArray("cfgScale"),
                "an unconditional image is never guided");
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void everyTokenIsAProgressEventAndEveryEighthCarriesAPreviewPng() throws Exception {
        deploy(new JsonObject());
        String id = UUID.randomUUID().toString();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        Promise<JobEnded> ended = Promise.promise();
        MessageConsumer<TesseraPayload> c = ModelClient.follow(vertx.eventBus(), id, progress::add, ended::tryComplete);
        c.completion().await(5, TimeUnit.SECONDS);
        TesseraPayload reply = await(send(id, new JsonObject().put("class", 0).put("count", 2).put("seed", 7))).body();
        assertTrue(await(ended.future()).succeeded());
        assertEquals(64, progress.size(), "one event per token");
        for (int i = 0; i < 64; i++) {
            JobProgress p = progress.get(i);
            assertEquals(i + 1, p.step());
            assertEquals(64, p.total());
            if ((i + 1) % 8 == 0) {
                assertEquals("image/png", p.preview().mime());
                RgbImage sheet = RgbImage.readPng(p.preview().bytes());
                assertEquals(2 * 32, sheet.width(), "both images side by side");
                assertEquals(32, sheet.height());
            } else {
                assertNull(p.preview(), "step " + p.step());
            }
        }
        // The preview after the last token shows the finished images.
        RgbImage last = RgbImage.readPng(progress.get(63).preview().bytes());
        RgbImage first = RgbImage.readPng(reply.requireBlob("image0").bytes());
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(first.rgb(x, y), last.rgb(x, y));
            }
        }

        // previewEvery 0: progress without previews
        String quiet = UUID.randomUUID().toString();
        List<JobProgress> none = new CopyOnWriteArrayList<>();
        Promise<JobEnded> quietEnd = Promise.promise();
        ModelClient.follow(vertx.eventBus(), quiet, none::add, quietEnd::tryComplete).completion().await(5, TimeUnit.SECONDS);
        await(send(quiet, new JsonObject().put("previewEvery", 0)));
        await(quietEnd.future());
        assertEquals(64, none.size());
        assertTrue(none.stream().allMatch(p -> p.preview() == null));
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void cancelStopsTheJobBetweenTokens() throws Exception {
        deploy(new JsonObject());
        String id = UUID.randomUUID().toString();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        Promise<JobEnded> ended = Promise.promise();
        ModelClient.follow(vertx.eventBus(), id, p -> {
            if (progress.isEmpty()) {
                ModelClient.cancel(vertx.eventBus(), id, "test");
            }
            progress.add(p);
        }, ended::tryComplete).completion().await(5, TimeUnit.SECONDS);
        // A preview after every token makes each token slow enough for the cancel to arrive mid-run.
        JobFailure failure = awaitFailure(send(id, new JsonObject().put("class", 2).put("count", 8).put("previewEvery", 1)));
        assertEquals(FailureCode.CANCELLED, failure.code());
        assertEquals(499, failure.code().httpStatus());
        JobEnded end = await(ended.future());
        assertFalse(end.succeeded());
        assertTrue(progress.size() < 64, "stopped after " + progress.size() + " tokens");
        // The model goes on serving.
        assertEquals(1, await(send(UUID.randomUUID().toString(), new JsonObject())).body().blobs().size());
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void badParamsAreRefusedWith400NamingTheField() throws Exception {
        deploy(new JsonObject());
        Map<String, JsonObject> cases = Map.ofEntries(
                Map.entry("temperature", new JsonObject().put("temperature", 0)),
                Map.entry("count", new JsonObject().put("count", 9)),
                Map.entry("class", new JsonObject().put("class", "dragon")),
                Map.entry("topP", new JsonObject().put("topP", 1.5)),
                Map.entry("topK", new JsonObject().put("topK", 2.5)),
                Map.entry("cfgScale", new JsonObject().put("cfgScale", new JsonArray().add(1).add(50))),
                Map.entry("seed", new JsonObject().put("seed", "abc")),
                Map.entry("previewEvery", new JsonObject().put("previewEvery", 65)),
                Map.entry("cfgInterval", new JsonObject().put("cfgInterval", -1)),
                Map.entry("top_k", new JsonObject().put("top_k", 5)));
        for (var c : cases.entrySet()) {
            JobFailure f = awaitFailure(send(UUID.randomUUID().toString(), c.getValue()));
            assertEquals(FailureCode.BAD_INPUT, f.code(), c.toString());
            assertEquals(400, f.code().httpStatus());
            assertTrue(f.details().getJsonObject("fields").containsKey(c.getKey()), c.getKey() + ": " + f.toJson());
        }
        JobFailure blobs = awaitFailure(ModelClient.request(vertx.eventBus(), Addresses.IMAGE_GENERATE,
                UUID.randomUUID().toString(), TesseraPayload.of(new JsonObject(),
                        TesseraPayload.Blob.ofBytes("x", "image/png", new byte[3])), 0, null));
        assertEquals(FailureCode.BAD_INPUT, blobs.code());
        JobFailure classIndex = awaitFailure(send(UUID.randomUUID().toString(), new JsonObject().put("class", 4)));
        assertTrue(classIndex.getMessage().contains("circle, square, triangle, star"), classIndex.getMessage());
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void requestsThatShareABatchGetTheImagesTheyWouldGetAlone() throws Exception {
        deploy(new JsonObject().put("maxBatch", 2).put("maxDelayMs", 300));
        JsonObject a = new JsonObject().put("class", 1).put("count", 2).put("seed", 5).put("previewEvery", 0);
        JsonObject b = new JsonObject().put("class", 3).put("seed", 6).put("topK", 4).put("previewEvery", 0);
        Future<Message<TesseraPayload>> fa = send(UUID.randomUUID().toString(), a);
        Future<Message<TesseraPayload>> fb = send(UUID.randomUUID().toString(), b);
        TesseraPayload ra = await(fa).body();
        TesseraPayload rb = await(fb).body();
        assertEquals(2, ra.params().getInteger("batchSize"));
        assertEquals(2, rb.params().getInteger("batchSize"));
        TesseraPayload aloneA = await(send(UUID.randomUUID().toString(), a)).body();
        TesseraPayload aloneB = await(send(UUID.randomUUID().toString(), b)).body();
        assertEquals(1, aloneB.params().getInteger("batchSize"));
        assertEquals(tokens(aloneA), tokens(ra));
        assertEquals(tokens(aloneB), tokens(rb));
    }

    @Test
    void theProviderIsDiscoveredAndInstalledOnlyWithBothCheckpoints(@TempDir Path empty) throws IOException {
        ModelProvider p = ModelProviders.discover().stream().filter(x -> x.name().equals("image-ar")).findFirst()
                .orElseThrow(() -> new AssertionError("image-ar is not in META-INF/services"));
        assertEquals(Addresses.IMAGE_GENERATE, p.address());
        assertTrue(p.isInstalled(models));
        assertFalse(p.isInstalled(empty));
        Files.createDirectories(empty.resolve("image-ar"));
        String ar = ImageGenerator.AR_CHECKPOINT + ".safetensors";
        Files.copy(models.resolve("image-ar").resolve(ar), empty.resolve("image-ar").resolve(ar));
        assertFalse(p.isInstalled(empty), "the tokenizer is missing");
        IOException e = assertThrows(IOException.class, () -> ImageGenerator.load(empty));
        assertTrue(e.getMessage().contains("tessera train image-tokenizer"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.resolve("image-tokenizer").resolve(ImageGenerator.TOKENIZER_CHECKPOINT + ".safetensors").toString()), e.getMessage());
    }
}

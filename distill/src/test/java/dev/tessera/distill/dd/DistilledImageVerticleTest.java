package dev.tessera.distill.dd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.engine.Engines;
import dev.tessera.image.sample.RgbImage;
import dev.tessera.image.serve.TinyImageModels;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model {@code image-dd} on a real Vert.x from a tiny teacher-initialized student written in the installed
 * layout: routed by model name through the registry, 1 and 2 steps, refusals of the AR model's settings.
 */
@ExtendWith(VertxExtension.class)
class DistilledImageVerticleTest {

    @TempDir
    static Path models;

    @BeforeAll
    static void installTinyStudent() throws Exception {
        Engines.start();
        TinyImageModels.write(models, 3, false);
        try (NDManager m = NDManager.newBaseManager()) {
            DdModels.writeUntrainedStudent(models.resolve(DdImageGenerator.DIR), TinyImageModels.factorized(m, 4),
                    TinyImageModels.CLASS_NAMES);
        }
    }

    @Test
    void aRequestNamingImageDdReachesTheStudent(Vertx vertx) throws Exception {
        Codecs.registerAll(vertx);
        assertTrue(new DistilledImageProvider().isInstalled(models));
        ModelProviders.deploy(vertx, new DistilledImageProvider(), models.resolve(DdImageGenerator.DIR), new JsonObject())
                .await(60, TimeUnit.SECONDS);
        String address = new ModelRegistry(vertx).addressOf("image-dd").await(10, TimeUnit.SECONDS);
        assertEquals(Addresses.DISTILL_IMAGE_GENERATE, address);
        // The studio builds its form from this schema: an image output, the classes by name, 1 or 2 passes.
        JsonObject schema = new ModelRegistry(vertx).list().await(10, TimeUnit.SECONDS).stream()
                .filter(s -> s.name().equals("image-dd")).findFirst().orElseThrow().schema();
        assertEquals("image", schema.getJsonObject("x-tessera").getString("output"));
        JsonObject props = schema.getJsonObject("properties");
        assertEquals(1, props.getJsonObject("steps").getInteger("minimum"));
        assertEquals(2, props.getJsonObject("steps").getInteger("maximum"));
        assertTrue(props.getJsonObject("class").encode().contains("square"), props.getJsonObject("class").encode());
        assertTrue(!props.containsKey("temperature"), "the student takes no sampling settings");

        JsonObject params = new JsonObject().put("model", "image-dd").put("class", "square").put("count", 3)
                .put("seed", 11).put("steps", 2);
        Message<TesseraPayload> reply = ModelClient.request(vertx.eventBus(), address, UUID.randomUUID().toString(),
                TesseraPayload.of(params), 0, null).await(60, TimeUnit.SECONDS);
        JsonObject p = reply.body().params();
        assertEquals(3, p.getJsonArray("tokens").size());
        assertEquals(2, p.getInteger("steps"));
        assertEquals(1, p.getInteger("class"));
        assertEquals("square", p.getString("className"));
        assertEquals(64, p.getJsonArray("tokens").getJsonArray(0).size());
        assertTrue(reply.body().blob("image2").isPresent());
        RgbImage one = RgbImage.readPng(reply.body().requireBlob("image0").bytes());
        assertEquals(32, one.width());

        // The same seed gives the same tokens (image i is a function of seed and i).
        Message<TesseraPayload> again = ModelClient.request(vertx.eventBus(), address, UUID.randomUUID().toString(),
                TesseraPayload.of(params.copy().put("count", 1)), 0, null).await(60, TimeUnit.SECONDS);
        assertEquals(p.getJsonArray("tokens").getJsonArray(0), again.body().params().getJsonArray("tokens").getJsonArray(0));

        for (JsonObject bad : new JsonObject[] {new JsonObject().put("steps", 3), new JsonObject().put("cfgScale", 2),
                new JsonObject().put("class", "hexagon")}) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
                    ModelClient.request(vertx.eventBus(), address, UUID.randomUUID().toString(), TesseraPayload.of(bad),
                            0, null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            JobFailure f = (JobFailure) e.getCause();
            assertEquals(FailureCode.BAD_INPUT, f.code(), bad.encode());
        }
        JobFailure unknown = (JobFailure) org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
                new ModelRegistry(vertx).addressOf("image-xyz").toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(unknown.getMessage().contains("image-dd"), unknown.getMessage());
    }

    @Test
    void benchComparesEverySamplerWithTheTeacherSideBySide() throws Exception {
        dev.tessera.core.bench.BenchReport r = new DdBenchSuite().run(new dev.tessera.core.bench.BenchOptions(true,
                Map.of("models", models.toString(), "batches", "2")));
        assertEquals(4, r.rows().size());
        Map<String, Object> teacher = r.rows().get(0);
        Map<String, Object> oneStep = r.rows().get(1);
        assertEquals(1.0, (Double) teacher.get("speedupTokens"), 1e-9);
        // One pass against 128 cached steps: far faster even at this tiny size.
        assertTrue((Double) oneStep.get("speedupTokens") > 3, r.toTable());
        org.junit.jupiter.api.Assertions.assertFalse(r.notes().get(0).contains("random weights"), r.notes().toString());
    }
}

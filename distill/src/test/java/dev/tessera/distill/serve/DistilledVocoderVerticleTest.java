package dev.tessera.distill.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.serve.VocoderVerticle;
import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.core.cluster.TesseraVertx;
import dev.tessera.distill.turbo.TurboExport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The students' verticle on a real Vert.x with untrained tiny students (2 and 1 steps): whole replies, and
 * streams that follow the teacher's protocol (each window a progress preview, a reply without a blob).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistilledVocoderVerticleTest {

    @TempDir
    static Path models;

    private static TesseraVertx.Node node;
    private static Vertx vertx;

    @BeforeAll
    static void deploy() throws Exception {
        Path dir = models.resolve(TurboExport.MODEL);
        TurboEvalSuiteTest.write(TurboExport.studentDir(dir, 2), TurboExport.NAME, 51);
        TurboEvalSuiteTest.write(TurboExport.studentDir(dir, 1), TurboExport.NAME, 52);
        node = TesseraVertx.start(NodeOptions.local()).await(30, TimeUnit.SECONDS);
        vertx = node.vertx();
        VocoderTurboProvider provider = new VocoderTurboProvider();
        assertTrue(provider.isInstalled(models));
        // Windows of 16 frames with context covering the 40-frame inputs below: the streamed audio must then
        // equal the whole reply's up to rounding, which checks the protocol exactly (StudentStreamingTest
        // measures the default windows).
        ModelProviders.deploy(vertx, provider, dir, new JsonObject().put("streamChunkFrames", 16)
                .put("streamContextFrames", 48)).await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() throws Exception {
        node.close().await(30, TimeUnit.SECONDS);
    }

    private static Future<Message<TesseraPayload>> send(String jobId, TesseraPayload body) {
        return ModelClient.request(vertx.eventBus(), Addresses.DISTILL_AUDIO_VOCODE, jobId, body, 60_000, null);
    }

    private static TesseraPayload mel(int frames, JsonObject params) {
        return TesseraPayload.of(params.put("model", TurboExport.MODEL),
                Blob.ofFloats("mel", mel(frames), 80, frames));
    }

    /** A (80, frames) log-mel around a speech-like level. */
    private static float[] mel(int frames) {
        float[] m = new float[80 * frames];
        for (int i = 0; i < m.length; i++) {
            int bin = i / frames;
            int frame = i % frames;
            m[i] = (float) (-6 - bin / 20.0 + 2 * Math.sin(0.3 * frame + 0.7 * bin));
        }
        return m;
    }

    /** The progress events of one job and its end. */
    private static final class Follower {
        final List<JobProgress> progress = new CopyOnWriteArrayList<>();
        final Promise<JobEnded> ended = Promise.promise();
    }

    private static Follower follow(String jobId) throws Exception {
        Follower f = new Follower();
        MessageConsumer<TesseraPayload> c = ModelClient.follow(vertx.eventBus(), jobId, f.progress::add,
                f.ended::tryComplete);
        c.completion().await(10, TimeUnit.SECONDS);
        return f;
    }

    @Test
    void theStudioFormOffersTheInstalledStudentsAndStreaming() throws Exception {
        ModelStatus status = new ModelRegistry(vertx).list().await(10, TimeUnit.SECONDS).stream()
                .filter(s -> s.name().equals(TurboExport.MODEL)).findFirst().orElseThrow();
        JsonObject schema = status.schema();
        assertEquals("audio", schema.getJsonObject("x-tessera").getString("output"));
        JsonObject steps = schema.getJsonObject("properties").getJsonObject("steps");
        assertEquals(1, steps.getInteger("minimum"));                 // students for 1 and 2 steps are installed
        assertEquals(2, steps.getInteger("maximum"));
        assertEquals(2, steps.getInteger("default"));
        assertTrue(schema.getJsonObject("properties").containsKey("stream"));
        assertTrue(schema.getJsonObject("properties").containsKey("input"));
    }

    @Test
    void aStreamSendsEachWindowAsAPreviewWhoseConcatenationIsTheWholeReply() throws Exception {
        for (int steps : new int[] {2, 1}) {
            TesseraPayload whole = send(UUID.randomUUID().toString(), mel(40, new JsonObject().put("steps", steps)))
                    .await(60, TimeUnit.SECONDS).body();
            float[] expected = whole.requireBlob("pcm").toFloats();

            String id = UUID.randomUUID().toString();
            Follower f = follow(id);
            TesseraPayload reply = send(id, mel(40, new JsonObject().put("steps", steps).put("stream", true)))
                    .await(60, TimeUnit.SECONDS).body();
            assertEquals("ok", f.ended.future().await(10, TimeUnit.SECONDS).outcome());
            assertTrue(reply.blobs().isEmpty(), "a streamed reply carries no audio");
            JsonObject p = reply.params();
            assertEquals(40 * 256, p.getInteger("samples"));
            assertEquals(3, p.getInteger("windows"), "40 frames in windows of 16");
            assertEquals(steps, p.getInteger("steps"));
            assertEquals(TurboExport.MODEL + "/steps-" + steps, p.getString("checkpoint"));

            float[] streamed = new float[expected.length];
            int at = 0;
            int windows = 0;
            for (JobProgress e : f.progress) {
                assertEquals(VocoderVerticle.STREAM_STAGE, e.stage());
                if (e.preview() != null) {
                    assertEquals(windows++, e.stageIndex(), "windows arrive in order");
                    float[] w = e.preview().toFloats();
                    System.arraycopy(w, 0, streamed, at, w.length);
                    at += w.length;
                }
            }
            assertEquals(3, windows);
            assertEquals(3 * steps, f.progress.size(), "one event per Euler step of each window");
            assertEquals(expected.length, at);
            double maxDiff = StudentStreamingTest.maxAbsDiff(expected, streamed);
            System.out.printf(Locale.ROOT, "bus, %d-step student: max |streamed - whole reply| %.2e%n", steps, maxDiff);
            assertTrue(maxDiff < 1e-5, "max |streamed - whole| = " + maxDiff);
        }
    }

    @Test
    void aStreamFromPcmComesBackAsWholeFramesAndBadStepsAreStillRefused() throws Exception {
        // 3,000 samples are 11 whole frames: one window of 16.
        float[] tone = StudentStreamingTest.tone(200, 3000);
        String id = UUID.randomUUID().toString();
        Follower f = follow(id);
        TesseraPayload reply = send(id, TesseraPayload.of(new JsonObject().put("model", TurboExport.MODEL)
                .put("steps", 1).put("stream", true), Blob.ofFloats("pcm", tone, tone.length)))
                .await(60, TimeUnit.SECONDS).body();
        f.ended.future().await(10, TimeUnit.SECONDS);
        assertEquals(11 * 256, reply.params().getInteger("samples"));
        assertEquals(1, reply.params().getInteger("windows"));
        List<JobProgress> previews = f.progress.stream().filter(e -> e.preview() != null).toList();
        assertEquals(1, previews.size());
        assertEquals(11 * 256, previews.get(0).preview().toFloats().length);

        Object settled = send(UUID.randomUUID().toString(), mel(10, new JsonObject().put("steps", 4)
                .put("stream", true))).map(m -> (Object) m).otherwise(e -> e).await(60, TimeUnit.SECONDS);
        assertTrue(settled instanceof JobFailure jf && jf.code() == FailureCode.BAD_INPUT
                && jf.getMessage().contains("has students for steps [2, 1]"), "got " + settled);
    }
}

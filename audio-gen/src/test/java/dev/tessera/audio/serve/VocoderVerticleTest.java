package dev.tessera.audio.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.core.cluster.NodeOptions;
import dev.tessera.core.cluster.TesseraVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The vocoder verticle on a real Vert.x with an untrained tiny checkpoint: results, progress, cancel, bad input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VocoderVerticleTest {

    @TempDir
    static Path models;

    private static TesseraVertx.Node node;
    private static Vertx vertx;

    @BeforeAll
    static void deploy() throws Exception {
        TinyCheckpoint.write(models.resolve("vocoder"), 31);
        node = TesseraVertx.start(NodeOptions.local()).await(30, TimeUnit.SECONDS);
        vertx = node.vertx();
        VocoderModelProvider provider = new VocoderModelProvider();
        assertTrue(provider.isInstalled(models));
        ModelProviders.deploy(vertx, provider, models.resolve("vocoder"),
                new JsonObject().put("streamChunkFrames", 16)).await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() throws Exception {
        node.close().await(30, TimeUnit.SECONDS);
    }

    private static Future<Message<TesseraPayload>> send(String jobId, TesseraPayload body) {
        return ModelClient.request(vertx.eventBus(), Addresses.AUDIO_VOCODE, jobId, body, 60_000, null);
    }

    private static TesseraPayload vocode(TesseraPayload body) throws Exception {
        return send(UUID.randomUUID().toString(), body).await(60, TimeUnit.SECONDS).body();
    }

    private static JobFailure failure(TesseraPayload body) throws Exception {
        Object settled = send(UUID.randomUUID().toString(), body).map(m -> (Object) m).otherwise(e -> e)
                .await(60, TimeUnit.SECONDS);
        assertTrue(settled instanceof JobFailure, "expected a failure, got " + settled);
        return (JobFailure) settled;
    }

    private static TesseraPayload mel(int frames, JsonObject params) {
        return TesseraPayload.of(params, Blob.ofFloats("mel", TinyCheckpoint.mel(frames, frames), 80, frames));
    }

    /** Progress and end events of one job. */
    private static final class Follower {
        final List<JobProgress> progress = new CopyOnWriteArrayList<>();
        final Promise<JobEnded> ended = Promise.promise();
        final Promise<JobProgress> first = Promise.promise();
    }

    private static Follower follow(String jobId) throws Exception {
        Follower f = new Follower();
        MessageConsumer<TesseraPayload> c = ModelClient.follow(vertx.eventBus(), jobId, p -> {
            f.progress.add(p);
            f.first.tryComplete(p);
        }, f.ended::tryComplete);
        c.completion().await(10, TimeUnit.SECONDS);
        return f;
    }

    @Test
    void melAndPcmInputsComeBackAsWholeFramesOfAudio() throws Exception {
        TesseraPayload fromMel = vocode(mel(20, new JsonObject().put("steps", 2)));
        Blob pcm = fromMel.requireBlob("pcm");
        assertArrayEquals(new long[] {20 * 256}, pcm.shape());
        JsonObject p = fromMel.params();
        assertEquals(22_050, p.getInteger("sampleRate"));
        assertEquals(20, p.getInteger("frames"));
        assertEquals(2, p.getInteger("steps"));
        assertTrue(p.getLong("computeMs") >= 0 && p.getLong("queueMs") >= 0, p.encode());

        // 3,000 samples are 11 whole frames: 2,816 samples come back, finite and not silent.
        float[] tone = TinyCheckpoint.tone(200, 3000);
        TesseraPayload fromPcm = vocode(TesseraPayload.of(new JsonObject().put("steps", 1).put("sampler", "euler"),
                Blob.ofFloats("pcm", tone, tone.length)));
        float[] out = fromPcm.requireBlob("pcm").toFloats();
        assertEquals(11 * 256, out.length);
        double energy = 0;
        for (float v : out) {
            assertTrue(Float.isFinite(v));
            energy += v * v;
        }
        assertTrue(energy > 0, "the output is not silent");

        TesseraPayload gl = vocode(TesseraPayload.of(new JsonObject().put("model", "griffin-lim"),
                Blob.ofFloats("pcm", tone, 1, tone.length)));
        assertEquals(11 * 256, gl.requireBlob("pcm").toFloats().length);
        assertEquals("griffin-lim", gl.params().getString("model"));
    }

    @Test
    void oneProgressEventPerOdeStepThenTheEnd() throws Exception {
        String id = UUID.randomUUID().toString();
        Follower f = follow(id);
        send(id, mel(12, new JsonObject().put("steps", 3))).await(60, TimeUnit.SECONDS);
        JobEnded ended = f.ended.future().await(10, TimeUnit.SECONDS);
        assertEquals("ok", ended.outcome());
        assertEquals(List.of(1, 2, 3), f.progress.stream().map(JobProgress::step).toList());
        assertEquals(3, f.progress.get(0).total());
        assertEquals(1.0, f.progress.get(2).overall(), 1e-9);
    }

    @Test
    void aCancelStopsARunningJobBetweenSteps() throws Exception {
        String id = UUID.randomUUID().toString();
        Follower f = follow(id);
        Future<Message<TesseraPayload>> reply = send(id, mel(160, new JsonObject().put("steps", 64)));
        f.first.future().await(60, TimeUnit.SECONDS);
        ModelClient.cancel(vertx.eventBus(), id, "test");
        Object settled = reply.map(m -> (Object) m).otherwise(e -> e).await(60, TimeUnit.SECONDS);
        assertTrue(settled instanceof JobFailure jf && jf.code() == FailureCode.CANCELLED, "got " + settled);
        assertTrue(f.progress.size() < 64, f.progress.size() + " of 64 steps ran");
        assertEquals("cancelled", f.ended.future().await(10, TimeUnit.SECONDS).outcome());
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        JobFailure bins = failure(TesseraPayload.of(new JsonObject(), Blob.ofFloats("mel", new float[64 * 10], 64, 10)));
        assertEquals(FailureCode.BAD_INPUT, bins.code());
        assertTrue(bins.getMessage().contains("expected 80 mel bins, got 64"), bins.getMessage());
        assertNotNull(bins.details().getJsonObject("fields").getString("mel"));

        float[] nan = TinyCheckpoint.mel(10, 1);
        nan[80 * 10 - 1] = Float.NaN;
        JobFailure notFinite = failure(TesseraPayload.of(new JsonObject(), Blob.ofFloats("mel", nan, 80, 10)));
        assertEquals(FailureCode.BAD_INPUT, notFinite.code());
        assertTrue(notFinite.getMessage().contains("NaN at bin 79, frame 9"), notFinite.getMessage());

        JobFailure steps = failure(mel(10, new JsonObject().put("steps", 65)));
        assertEquals(FailureCode.BAD_INPUT, steps.code());
        assertTrue(steps.details().getJsonObject("fields").containsKey("steps"), steps.toJson().encode());

        JobFailure sampler = failure(mel(10, new JsonObject().put("sampler", "rk4")));
        assertTrue(sampler.details().getJsonObject("fields").containsKey("sampler"), sampler.toJson().encode());

        int tooMany = VocodeLimits.MAX_FRAMES + 1;
        JobFailure tooLong = failure(TesseraPayload.of(new JsonObject(),
                Blob.ofFloats("mel", new float[80 * tooMany], 80, tooMany)));
        assertEquals(FailureCode.TOO_LARGE, tooLong.code());
        assertTrue(tooLong.getMessage().contains("120 s"), tooLong.getMessage());

        JobFailure both = failure(TesseraPayload.of(new JsonObject(), Blob.ofFloats("mel", new float[80], 80, 1),
                Blob.ofFloats("pcm", new float[256], 256)));
        assertTrue(both.getMessage().contains("exactly one"), both.getMessage());

        // The model still serves after all of that.
        assertEquals(5 * 256, vocode(mel(5, new JsonObject().put("steps", 1))).requireBlob("pcm").shape()[0]);
    }

    @Test
    void aStreamSendsEachWindowAsAPreviewAndTheReplyCountsTheSamples() throws Exception {
        String id = UUID.randomUUID().toString();
        Follower f = follow(id);
        // 40 frames in windows of 16 (this deployment's streamChunkFrames): 3 windows.
        TesseraPayload reply = send(id, mel(40, new JsonObject().put("steps", 2).put("stream", true)))
                .await(60, TimeUnit.SECONDS).body();
        f.ended.future().await(10, TimeUnit.SECONDS);
        assertTrue(reply.blobs().isEmpty(), "a streamed reply carries no audio");
        assertEquals(40 * 256, reply.params().getInteger("samples"));
        assertEquals(3, reply.params().getInteger("windows"));
        List<float[]> chunks = new ArrayList<>();
        for (JobProgress p : f.progress) {
            assertEquals(VocoderVerticle.STREAM_STAGE, p.stage());
            if (p.preview() != null) {
                assertEquals(chunks.size(), p.stageIndex(), "windows arrive in order");
                chunks.add(p.preview().toFloats());
            }
        }
        assertEquals(3, chunks.size());
        assertEquals(3 * 2, f.progress.size(), "one event per ODE step of each window");
        assertEquals(40 * 256, chunks.stream().mapToInt(c -> c.length).sum());
    }
}

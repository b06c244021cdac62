package dev.tessera.tokenizers.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Codecs;
import dev.tessera.core.bus.FailureCode;
import dev.tessera.core.bus.JobEnded;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.JobProgress;
import dev.tessera.core.bus.ModelClient;
import dev.tessera.core.bus.ModelProviders;
import dev.tessera.core.bus.ModelRegistry;
import dev.tessera.core.bus.ModelState;
import dev.tessera.core.bus.ModelStatus;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.Note;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.Track;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The three tokenizer addresses on a real Vert.x, deployed the way {@code tessera serve} does it (through the
 * provider): a byte-level code tokenizer and a music tokenizer served from a folder, training with progress,
 * installing and cancelling, and the failures a client can act on.
 */
@ExtendWith(VertxExtension.class)
class TokenizerVerticleTest {

    @TempDir
    static Path models;
    static Path dir;
    static List<String> sources;
    static ServedTokenizer code;
    static ServedTokenizer music;
    static List<Score> scores = new ArrayList<>();

    private Vertx vertx;
    private String deployment;

    @BeforeAll
    static void tokenizers() throws Exception {
        dir = models.resolve("tokenizers");
        Files.createDirectories(dir);
        sources = HfReference.javaSources();
        code = new TrainingSpec("bpe", 700, "code-ident", List.of("<|endoftext|>"), null, null, 16, 2)
                .trainText(sources, (d, t) -> { });
        code.write(dir.resolve("code.json"));
        Random r = new Random(3);
        for (int f = 0; f < 8; f++) {
            List<Note> notes = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                notes.add(new Note(55 + r.nextInt(20), 60 + 8 * r.nextInt(6), i * 240L, 240L * (1 + r.nextInt(3))));
            }
            scores.add(new Score(480, List.of(new Track(0, false, notes)), List.of(), List.of()));
        }
        music = new TrainingSpec("bpe", 600, null, List.of(), "remi", null, 16, 2).trainMusic(scores, (d, t) -> { });
        music.write(dir.resolve("music.json"));
        Files.writeString(dir.resolve("serving.json"), "{}");
    }

    @BeforeEach
    void deploy(Vertx vertx) throws Exception {
        this.vertx = vertx;
        Codecs.registerAll(vertx);
        deployment = await(ModelProviders.deploy(vertx, new TokenizerProvider(), dir, new JsonObject()
                .put("lanes", 2).put("train", new JsonObject().put("lanes", 1))));
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.await(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 60 s", e);
        }
    }

    private TesseraPayload request(String address, TesseraPayload body) throws Exception {
        return await(ModelClient.request(vertx.eventBus(), address, UUID.randomUUID().toString(), body, 0, null)).body();
    }

    private JobFailure failure(String address, TesseraPayload body) throws Exception {
        Object settled = await(ModelClient.request(vertx.eventBus(), address, UUID.randomUUID().toString(), body, 0,
                null).map(m -> (Object) m).otherwise(e -> e));
        assertTrue(settled instanceof JobFailure, "expected a failure, got " + settled);
        return (JobFailure) settled;
    }

    private static int[] ints(Blob blob) {
        assertEquals("int32", blob.dtype());
        int[] ids = new int[(int) blob.shape()[0]];
        ByteBuffer.wrap(blob.bytes()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
        return ids;
    }

    @Test
    void providerIsInstalledOnlyWhereTokenizerFilesAre() throws Exception {
        TokenizerProvider provider = new TokenizerProvider();
        assertTrue(provider.isInstalled(models));
        Path empty = models.resolve("empty");
        Files.createDirectories(empty.resolve("tokenizers"));
        Files.writeString(empty.resolve("tokenizers/serving.json"), "{}");
        assertFalse(provider.isInstalled(empty));
        assertFalse(provider.isInstalled(models.resolve("missing")));
        assertEquals(Addresses.TOKENIZERS_ENCODE, provider.address());
        assertTrue(ModelProviders.discover().stream().anyMatch(p -> p instanceof TokenizerProvider));
    }

    @Test
    void eachAddressIsAModelWithTheSharedSettingsAndItsOwn() throws Exception {
        Map<String, ModelStatus> byName = new HashMap<>();
        for (ModelStatus status : await(new ModelRegistry(vertx).list())) {
            byName.put(status.name(), status);
        }
        assertEquals(Addresses.TOKENIZERS_ENCODE, byName.get("tokenizers").address());
        assertEquals(Addresses.TOKENIZERS_DECODE, byName.get("tokenizers-decode").address());
        assertEquals(Addresses.TOKENIZERS_TRAIN, byName.get("tokenizers-train").address());
        assertEquals(2, byName.get("tokenizers").lanes());
        assertEquals(2, byName.get("tokenizers-decode").lanes());
        assertEquals(1, byName.get("tokenizers-train").lanes(), "the train object overrides the shared lanes");
        for (ModelStatus status : byName.values()) {
            assertEquals(ModelState.READY, status.state(), status.toString());
        }
    }

    @Test
    void textEncodesAndDecodesToTheSameBytesOverTheBus() throws Exception {
        String doc = sources.get(3) + "\n// é ☃ 😀";
        TesseraPayload reply = request(Addresses.TOKENIZERS_ENCODE,
                TesseraPayload.of(new JsonObject().put("tokenizer", "code").put("text", doc)));
        int[] ids = ints(reply.requireBlob("ids"));
        assertArrayEquals(code.encode(doc.getBytes(StandardCharsets.UTF_8)), ids);
        assertEquals(ids.length, reply.params().getInteger("count"));

        // Bytes that are not UTF-8 go in as a blob and come back exactly (byte-level).
        byte[] raw = {'a', (byte) 0xFF, ' ', 'b', (byte) 0xC3};
        int[] rawIds = ints(request(Addresses.TOKENIZERS_ENCODE, TesseraPayload.of(new JsonObject()
                .put("tokenizer", "code"), Blob.ofBytes("input", null, raw))).requireBlob("ids"));

        JsonArray asJson = new JsonArray();
        for (int id : ids) {
            asJson.add(id);
        }
        TesseraPayload decoded = request(Addresses.TOKENIZERS_DECODE,
                TesseraPayload.of(new JsonObject().put("tokenizer", "code").put("ids", asJson)));
        assertEquals(doc, decoded.params().getString("text"));
        assertArrayEquals(doc.getBytes(StandardCharsets.UTF_8), decoded.requireBlob("output").bytes());
        TesseraPayload rawBack = request(Addresses.TOKENIZERS_DECODE, TesseraPayload.of(
                new JsonObject().put("tokenizer", "code"), TokenizerEndpoint.int32("ids", rawIds)));
        assertArrayEquals(raw, rawBack.requireBlob("output").bytes());
    }

    @Test
    void musicTokenizersTakeAndGiveMidiFiles() throws Exception {
        byte[] midi = MidiFiles.toBytes(scores.get(2));
        int[] ids = ints(request(Addresses.TOKENIZERS_ENCODE, TesseraPayload.of(new JsonObject().put("tokenizer",
                "music"), Blob.ofBytes("input", "audio/midi", midi))).requireBlob("ids"));
        assertArrayEquals(music.encode(midi), ids);
        TesseraPayload back = request(Addresses.TOKENIZERS_DECODE, TesseraPayload.of(
                new JsonObject().put("tokenizer", "music"), TokenizerEndpoint.int32("ids", ids)));
        Blob output = back.requireBlob("output");
        assertEquals("audio/midi", output.mime());
        assertArrayEquals(ids, music.encode(output.bytes()), "MIDI -> ids -> MIDI -> the same ids");
    }

    @Test
    void badRequestsAreAnsweredWithWhatToFix() throws Exception {
        JobFailure unknown = failure(Addresses.TOKENIZERS_ENCODE,
                TesseraPayload.of(new JsonObject().put("tokenizer", "nope").put("text", "x")));
        assertEquals(FailureCode.NOT_FOUND, unknown.code());
        assertTrue(unknown.getMessage().contains("code, music"), unknown.getMessage());
        JobFailure ambiguous = failure(Addresses.TOKENIZERS_ENCODE, TesseraPayload.of(new JsonObject().put("text", "x")));
        assertEquals(FailureCode.BAD_INPUT, ambiguous.code());
        JobFailure outside = failure(Addresses.TOKENIZERS_DECODE, TesseraPayload.of(new JsonObject()
                .put("tokenizer", "code").put("ids", new JsonArray().add(1).add(700))));
        assertEquals(FailureCode.BAD_INPUT, outside.code());
        assertTrue(outside.getMessage().contains("ids[1] = 700"), outside.getMessage());
        JobFailure notMidi = failure(Addresses.TOKENIZERS_ENCODE, TesseraPayload.of(new JsonObject()
                .put("tokenizer", "music").put("text", "not a MIDI file")));
        assertEquals(FailureCode.BAD_INPUT, notMidi.code());
        assertTrue(notMidi.getMessage().contains("MIDI"), notMidi.getMessage());
        JobFailure badSpec = failure(Addresses.TOKENIZERS_TRAIN, TesseraPayload.of(new JsonObject()
                .put("type", "wordpiece").put("vocabSize", 100).put("documents", new JsonArray().add("a b"))));
        assertEquals(FailureCode.BAD_INPUT, badSpec.code());
        assertTrue(badSpec.getMessage().contains("bpe or unigram"), badSpec.getMessage());
    }

    @Test
    void trainingReportsProgressAndInstallsItsResultUnderItsName() throws Exception {
        String jobId = UUID.randomUUID().toString();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        List<JobEnded> ended = new CopyOnWriteArrayList<>();
        MessageConsumer<TesseraPayload> follower = ModelClient.follow(vertx.eventBus(), jobId, progress::add,
                ended::add);
        await(follower.completion());
        JsonArray documents = new JsonArray();
        sources.subList(0, 20).forEach(documents::add);
        Message<TesseraPayload> reply = await(ModelClient.request(vertx.eventBus(), Addresses.TOKENIZERS_TRAIN, jobId,
                TesseraPayload.of(new JsonObject().put("type", "unigram").put("vocabSize", 500).put("name", "fresh")
                        .put("documents", documents)), 0, null));
        TesseraPayload body = reply.body();
        assertEquals("fresh", body.params().getString("name"));
        assertEquals(500, body.params().getInteger("vocabSize"));
        ServedTokenizer trained = ServedTokenizer.read(writeBlob(body.requireBlob("tokenizer.json")));
        assertEquals(500, trained.vocabSize());
        assertTrue(Files.exists(dir.resolve("fresh.json")) && Files.exists(dir.resolve("fresh.meta.json")));

        assertTrue(progress.size() >= 2, "progress events: " + progress.size());
        JobProgress last = progress.get(progress.size() - 1);
        assertEquals(last.total(), last.step(), "the last event is the end");
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).step() >= progress.get(i - 1).step());
        }

        int[] ids = ints(request(Addresses.TOKENIZERS_ENCODE, TesseraPayload.of(new JsonObject()
                .put("tokenizer", "fresh").put("text", "public final class X {}"))).requireBlob("ids"));
        assertArrayEquals(trained.encode("public final class X {}".getBytes(StandardCharsets.UTF_8)), ids);
        JobFailure again = failure(Addresses.TOKENIZERS_TRAIN, TesseraPayload.of(new JsonObject().put("type", "bpe")
                .put("vocabSize", 400).put("name", "fresh").put("documents", documents)));
        assertEquals(FailureCode.CONFLICT, again.code());
        Files.delete(dir.resolve("fresh.json"));
        Files.delete(dir.resolve("fresh.meta.json"));
    }

    private static Path writeBlob(Blob blob) throws Exception {
        Path file = Files.createTempDirectory(models, "reply").resolve("tokenizer.json");
        Files.write(file, blob.bytes());
        return file;
    }

    @Test
    void aCancelStopsTrainingAtItsNextMerge() throws Exception {
        String jobId = UUID.randomUUID().toString();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        MessageConsumer<TesseraPayload> follower = ModelClient.follow(vertx.eventBus(), jobId, p -> {
            if (progress.isEmpty()) {
                ModelClient.cancel(vertx.eventBus(), jobId, "test");
            }
            progress.add(p);
        }, e -> { });
        await(follower.completion());
        JsonArray documents = new JsonArray();
        sources.forEach(documents::add);
        Object settled = await(ModelClient.request(vertx.eventBus(), Addresses.TOKENIZERS_TRAIN, jobId,
                TesseraPayload.of(new JsonObject().put("type", "bpe").put("vocabSize", 20_000)
                        .put("documents", documents)), 0, null).map(m -> (Object) m).otherwise(e -> e));
        assertTrue(settled instanceof JobFailure f && f.code() == FailureCode.CANCELLED, "got " + settled);
        JobProgress first = progress.get(0);
        assertTrue(first.step() < first.total(), "cancelled before the end: " + first);
    }

    @Test
    void undeployingStopsAllThreeAddresses() throws Exception {
        assertEquals(4, vertx.deploymentIDs().size(), "the verticle and its three endpoints");
        await(vertx.undeploy(deployment));
        assertEquals(0, vertx.deploymentIDs().size(), vertx.deploymentIDs().toString());
        for (String address : List.of(Addresses.TOKENIZERS_ENCODE, Addresses.TOKENIZERS_DECODE,
                Addresses.TOKENIZERS_TRAIN)) {
            JobFailure f = failure(address, TesseraPayload.of(new JsonObject().put("text", "x")));
            assertEquals(FailureCode.NOT_READY, f.code(), address + ": " + f.getMessage());
        }
    }
}

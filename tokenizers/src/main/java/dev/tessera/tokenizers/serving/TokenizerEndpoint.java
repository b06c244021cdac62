package dev.tessera.tokenizers.serving;

import dev.tessera.core.bus.Addresses;
import dev.tessera.core.bus.Batch;
import dev.tessera.core.bus.BatchingConfig;
import dev.tessera.core.bus.JobContext;
import dev.tessera.core.bus.JobFailure;
import dev.tessera.core.bus.ModelVerticle;
import dev.tessera.core.bus.TesseraPayload;
import dev.tessera.core.bus.TesseraPayload.Blob;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.Utf8;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.json.TokenizerMeta;
import dev.tessera.tokenizers.music.MidiFiles;
import dev.tessera.tokenizers.music.MidiFormatException;
import dev.tessera.tokenizers.music.Score;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One of the three tokenizer addresses, as a model verticle: it only turns messages into calls of
 * {@link ServedTokenizer} and {@link TrainingSpec} and back. {@link TokenizerVerticle} deploys one per
 * {@link Operation}, all sharing one {@link TokenizerStore}.
 *
 * <p><b>{@code tessera.tokenizers.encode}</b>: params {@code tokenizer} (a name; optional when the node serves
 * one) and {@code text}, or instead a blob {@code input} (UTF-8 text; any bytes for byte-level tokenizers; a MIDI
 * file for music tokenizers). Reply: blob {@code ids} (int32, shape (n)), params {@code tokenizer} and
 * {@code count}. Requests batch together (16 by default).
 *
 * <p><b>{@code tessera.tokenizers.decode}</b>: params {@code tokenizer} and {@code ids} (a JSON array), or a blob
 * {@code ids} (int32 or int64, one dimension). Reply: blob {@code output} (the exact bytes, or a MIDI file for
 * music), params {@code tokenizer}, {@code bytes} and, for text, {@code text} (invalid UTF-8 as U+FFFD).
 *
 * <p><b>{@code tessera.tokenizers.train}</b>: the params of {@link TrainingSpec#fromJson} ({@code type},
 * {@code vocabSize}, {@code preTokenizer}, {@code specialTokens}, {@code layout}, {@code split},
 * {@code maxPieceLength}); the corpus as params {@code documents} (strings) and/or blobs, one document each (UTF-8
 * text, or MIDI files when a {@code layout} is given); optional {@code name} to install the result under
 * {@code NAME.json} so that encode and decode serve it at once ({@code overwrite: true} to replace one). Progress
 * is published per merge (BPE) or EM round (Unigram), at most every 200 ms or 1%; a cancel stops training at the
 * next one. Reply: blobs {@code tokenizer.json} and {@code tokenizer.meta.json}, params {@code trainer},
 * {@code vocabSize}, {@code documents}, {@code seconds} and {@code name} when installed. One at a time.
 */
public final class TokenizerEndpoint extends ModelVerticle<TokenizerEndpoint.Request> {

    /** The three addresses; the encode endpoint carries the provider's name, so {@code /ready} follows it. */
    public enum Operation {
        ENCODE("tokenizers", Addresses.TOKENIZERS_ENCODE, new BatchingConfig(16, 0, 256, 1)),
        DECODE("tokenizers-decode", Addresses.TOKENIZERS_DECODE, new BatchingConfig(16, 0, 256, 1)),
        TRAIN("tokenizers-train", Addresses.TOKENIZERS_TRAIN, new BatchingConfig(1, 0, 8, 1));

        final String model;
        final String address;
        final BatchingConfig batching;

        Operation(String model, String address, BatchingConfig batching) {
            this.model = model;
            this.address = address;
            this.batching = batching;
        }

        /** The key of this operation's own settings in the serving config ({@code encode}, ...). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A parsed request of one of the operations. */
    public sealed interface Request {
    }

    record Encode(String tokenizer, byte[] input) implements Request {
    }

    record Decode(String tokenizer, int[] ids) implements Request {
    }

    record Train(TrainingSpec spec, List<byte[]> documents, String name, boolean overwrite) implements Request {
    }

    /** Most ids a decode request may carry. */
    static final int MAX_IDS = 16 << 20;

    private final Operation op;
    private final TokenizerStore store;

    public TokenizerEndpoint(Operation op, TokenizerStore store) {
        super(op.model, op.address);
        this.op = op;
        this.store = store;
    }

    @Override
    protected BatchingConfig defaultBatching() {
        return op.batching;
    }

    /** Self-test: each byte-level tokenizer served must give back the bytes of a short round trip. */
    @Override
    protected void load() {
        if (op == Operation.TRAIN) {
            return;
        }
        byte[] probe = "int x = 42; // self-test".getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, ServedTokenizer> e : store.all().entrySet()) {
            ServedTokenizer t = e.getValue();
            if (t instanceof ServedTokenizer.Text text && text.tokenizer().codec() == WordCodec.BYTE_LEVEL
                    && !Arrays.equals(probe, t.decode(t.encode(probe)))) {
                throw new IllegalStateException("tokenizer " + e.getKey() + " does not round-trip its self-test");
            }
        }
    }

    // ---- parsing, on the verticle's context: cheap checks only ----

    @Override
    protected Request parse(TesseraPayload body) {
        JsonObject p = body.params();
        return switch (op) {
            case ENCODE -> parseEncode(p, body);
            case DECODE -> parseDecode(p, body);
            case TRAIN -> parseTrain(p, body);
        };
    }

    private Encode parseEncode(JsonObject p, TesseraPayload body) {
        String name = store.resolve(stringParam(p, "tokenizer"));
        String text = stringParam(p, "text");
        byte[] input = body.blob("input").map(Blob::bytes).orElse(null);
        if ((text == null) == (input == null)) {
            throw JobFailure.badInput("text", "send the input as param 'text' or as blob 'input', one of them");
        }
        return new Encode(name, input != null ? input : text.getBytes(StandardCharsets.UTF_8));
    }

    private Decode parseDecode(JsonObject p, TesseraPayload body) {
        String name = store.resolve(stringParam(p, "tokenizer"));
        int[] ids;
        if (body.blob("ids").isPresent()) {
            ids = idsOf(body.blob("ids").get());
        } else if (p.getValue("ids") instanceof JsonArray array) {
            if (array.size() > MAX_IDS) {
                throw JobFailure.tooLarge("at most " + MAX_IDS + " ids, got " + array.size());
            }
            ids = new int[array.size()];
            for (int i = 0; i < ids.length; i++) {
                Object v = array.getValue(i);
                if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
                    throw JobFailure.badInput("ids", "ids[" + i + "] is not a whole number: " + v);
                }
                ids[i] = n.intValue();
            }
        } else {
            throw JobFailure.badInput("ids", "send the ids as param 'ids' (a JSON array) or as blob 'ids' (int32)");
        }
        int vocab = store.get(name).vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw JobFailure.badInput("ids", "ids[" + i + "] = " + ids[i] + " is outside tokenizer " + name
                        + "'s vocabulary of " + vocab);
            }
        }
        return new Decode(name, ids);
    }

    private static int[] idsOf(Blob blob) {
        if (blob.shape().length != 1 || !(blob.dtype().equals("int32") || blob.dtype().equals("int64"))) {
            throw JobFailure.badInput("ids", "blob 'ids' must be int32 or int64 of one dimension, got " + blob.dtype()
                    + Arrays.toString(blob.shape()));
        }
        ByteBuffer b = ByteBuffer.wrap(blob.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[(int) blob.shape()[0]];
        for (int i = 0; i < ids.length; i++) {
            long v = blob.dtype().equals("int32") ? b.getInt() : b.getLong();
            if (v != (int) v) {
                throw JobFailure.badInput("ids", "ids[" + i + "] = " + v + " is not an int32");
            }
            ids[i] = (int) v;
        }
        return ids;
    }

    private Train parseTrain(JsonObject p, TesseraPayload body) {
        TrainingSpec spec;
        try {
            spec = TrainingSpec.fromJson(p);
        } catch (TokenizerException e) {
            throw JobFailure.badInput(e.getMessage());
        }
        List<byte[]> documents = new ArrayList<>();
        Object given = p.getValue("documents");
        if (given instanceof JsonArray array) {
            for (Object o : array) {
                if (!(o instanceof String s)) {
                    throw JobFailure.badInput("documents", "documents must be strings, got " + o);
                }
                documents.add(s.getBytes(StandardCharsets.UTF_8));
            }
        } else if (given != null) {
            throw JobFailure.badInput("documents", "documents must be an array of strings");
        }
        body.blobs().forEach(b -> documents.add(b.bytes()));
        if (documents.isEmpty()) {
            throw JobFailure.badInput("documents", "send the corpus as param 'documents' or as blobs, one a document");
        }
        String name = stringParam(p, "name");
        if (name != null && !TokenizerStore.NAME.matcher(name).matches()) {
            throw JobFailure.badInput("name", "a tokenizer name is 1 to 64 letters, digits, '.', '_' or '-', got '"
                    + name + "'");
        }
        return new Train(spec, documents, name, Boolean.TRUE.equals(p.getValue("overwrite")));
    }

    private static String stringParam(JsonObject p, String key) {
        Object v = p.getValue(key);
        if (v != null && !(v instanceof String)) {
            throw JobFailure.badInput(key, key + " must be a string, got " + v);
        }
        return (String) v;
    }

    // ---- running, on the model's executor ----

    @Override
    protected void runBatch(Batch<Request> batch) {
        batch.forEachLive(job -> {
            try {
                Request r = job.request();
                if (r instanceof Encode e) {
                    return encode(e);
                }
                if (r instanceof Decode d) {
                    return decode(d);
                }
                return train((Train) r, job.context());
            } catch (TokenizerException e) {
                throw JobFailure.badInput(e.getMessage());
            }
        });
    }

    private TesseraPayload encode(Encode e) {
        int[] ids = store.get(e.tokenizer()).encode(e.input());
        return TesseraPayload.of(new JsonObject().put("tokenizer", e.tokenizer()).put("count", ids.length),
                int32("ids", ids));
    }

    private TesseraPayload decode(Decode d) {
        ServedTokenizer t = store.get(d.tokenizer());
        byte[] out = t.decode(d.ids());
        JsonObject params = new JsonObject().put("tokenizer", d.tokenizer()).put("bytes", out.length);
        String mime = "application/octet-stream";
        if (t instanceof ServedTokenizer.Music) {
            mime = "audio/midi";
        } else {
            params.put("text", Utf8.decodeLossy(out));
        }
        return TesseraPayload.of(params, Blob.ofBytes("output", mime, out));
    }

    private TesseraPayload train(Train t, JobContext context) throws Exception {
        long t0 = System.nanoTime();
        TrainerProgress progress = throttled(context);
        ServedTokenizer trained;
        if (t.spec().music()) {
            List<Score> scores = new ArrayList<>();
            for (int i = 0; i < t.documents().size(); i++) {
                try {
                    scores.add(MidiFiles.read(t.documents().get(i)));
                } catch (MidiFormatException e) {
                    throw JobFailure.badInput("documents", "document " + i + " is not a MIDI file we read: "
                            + e.getMessage());
                }
            }
            trained = t.spec().trainMusic(scores, progress);
        } else {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < t.documents().size(); i++) {
                texts.add(utf8(t.documents().get(i), i));
            }
            trained = t.spec().trainText(texts, progress);
        }
        context.checkCancelled();
        JsonObject params = new JsonObject().put("trainer", t.spec().type()).put("vocabSize", trained.vocabSize())
                .put("documents", t.documents().size()).put("seconds", (System.nanoTime() - t0) / 1e9);
        if (t.name() != null) {
            store.install(t.name(), trained, t.overwrite());
            params.put("name", t.name());
        }
        Path tmp = Files.createTempDirectory("tessera-tokenizer");
        try {
            Path json = tmp.resolve("tokenizer.json");
            trained.write(json);
            Path meta = TokenizerMeta.pathFor(json);
            List<Blob> blobs = new ArrayList<>();
            blobs.add(Blob.ofBytes("tokenizer.json", "application/json", Files.readAllBytes(json)));
            if (Files.exists(meta)) {
                blobs.add(Blob.ofBytes("tokenizer.meta.json", "application/json",
                        Files.readAllBytes(meta)));
            }
            return new TesseraPayload(params, blobs);
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
        }
    }

    private static String utf8(byte[] bytes, int index) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw JobFailure.badInput("documents", "document " + index + " is not valid UTF-8");
        }
    }

    /**
     * Progress for the bus at most every 200 ms or 1% (BPE reports each of thousands of merges), and a cancel
     * check at every call, so that a cancelled training stops at its next merge or round.
     */
    private static TrainerProgress throttled(JobContext context) {
        long[] last = {Long.MIN_VALUE, -1}; // {nanos, done} of the last event published
        return (done, total) -> {
            context.checkCancelled();
            long now = System.nanoTime();
            long step = Math.max(1, total / 100);
            if (done == total || last[1] < 0 || done - last[1] >= step || now - last[0] >= 200_000_000L) {
                last[0] = now;
                last[1] = done;
                context.progress((int) Math.min(Integer.MAX_VALUE, done), (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                        total)));
            }
        };
    }

    /** A little-endian int32 blob of shape (n). */
    static Blob int32(String name, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new Blob(name, null, "int32", new long[] {values.length}, b.array());
    }
}

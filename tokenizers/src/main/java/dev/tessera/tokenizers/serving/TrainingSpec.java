package dev.tessera.tokenizers.serving;

import dev.tessera.tokenizers.ByteAlphabet;
import dev.tessera.tokenizers.PreTokenizer;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.bpe.BpeTrainer;
import dev.tessera.tokenizers.bpe.BpeTrainerConfig;
import dev.tessera.tokenizers.json.TokenizerMeta;
import dev.tessera.tokenizers.music.EventCharacters;
import dev.tessera.tokenizers.music.MusicSubwordTokenizer;
import dev.tessera.tokenizers.music.MusicTokenizer;
import dev.tessera.tokenizers.music.MusicTokenizerConfig;
import dev.tessera.tokenizers.music.Score;
import dev.tessera.tokenizers.music.TokenSequence;
import dev.tessera.tokenizers.music.WordSplit;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import dev.tessera.tokenizers.pretokenize.MetaspacePreTokenizer;
import dev.tessera.tokenizers.unigram.UnigramTrainer;
import dev.tessera.tokenizers.unigram.UnigramTrainerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to train, as {@code tessera tokenizer train} and {@code tessera.tokenizers.train} ask for it: a trainer,
 * a vocabulary size and either a pre-tokenizer (text, code) or an event layout (music).
 *
 * @param type           {@code bpe} or {@code unigram}
 * @param vocabSize      the vocabulary size, special tokens included
 * @param preTokenizer   {@code gpt2} (byte-level, the default for BPE), {@code metaspace} (SentencePiece words,
 *                       the default for Unigram), or a code variant {@code code-fine}, {@code code-ident},
 *                       {@code code-composite} (byte-level); ignored for music
 * @param specialTokens  ids from 0, in this order (text only; music has its four special events)
 * @param layout         {@code remi} or {@code tsd} to train on MIDI files, null for text
 * @param split          music words: one per bar (default) or per beat
 * @param maxPieceLength Unigram's longest piece in characters (16; for music, events)
 * @param threads        worker threads for counting and training
 */
public record TrainingSpec(String type, int vocabSize, String preTokenizer, List<String> specialTokens,
        String layout, WordSplit split, int maxPieceLength, int threads) {

    public static final List<String> PRE_TOKENIZERS = List.of("gpt2", "metaspace", "code-fine", "code-ident",
            "code-composite");

    public TrainingSpec {
        type = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (!type.equals("bpe") && !type.equals("unigram")) {
            throw bad("type must be bpe or unigram, got '" + type + "'");
        }
        if (vocabSize < 2) {
            throw bad("vocabSize must be at least 2, got " + vocabSize);
        }
        if (preTokenizer == null) {
            preTokenizer = type.equals("bpe") ? "gpt2" : "metaspace";
        }
        if (!PRE_TOKENIZERS.contains(preTokenizer)) {
            throw bad("preTokenizer must be one of " + PRE_TOKENIZERS + ", got '" + preTokenizer + "'");
        }
        specialTokens = List.copyOf(specialTokens == null ? List.of() : specialTokens);
        if (layout != null && !layout.equals("remi") && !layout.equals("tsd")) {
            throw bad("layout must be remi or tsd (or absent for text), got '" + layout + "'");
        }
        split = split == null ? WordSplit.BAR : split;
        if (maxPieceLength < 1 || threads < 1) {
            throw bad("maxPieceLength and threads must be at least 1, got " + maxPieceLength + " and " + threads);
        }
    }

    /** A text spec with the defaults: the pre-tokenizer of the trainer, no special tokens, all cores. */
    public static TrainingSpec of(String type, int vocabSize) {
        return new TrainingSpec(type, vocabSize, null, List.of(), null, null, 16,
                Runtime.getRuntime().availableProcessors());
    }

    /** Reads the bus form: {@code type}, {@code vocabSize}, optional {@code preTokenizer}, {@code specialTokens}, {@code layout}, {@code split}, {@code maxPieceLength}. */
    public static TrainingSpec fromJson(JsonObject p) {
        Object vocab = p.getValue("vocabSize");
        if (!(vocab instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw bad("vocabSize must be a whole number, got " + vocab);
        }
        Object pieceLength = p.getValue("maxPieceLength", 16);
        if (!(pieceLength instanceof Number m) || m.doubleValue() != m.intValue()) {
            throw bad("maxPieceLength must be a whole number, got " + pieceLength);
        }
        List<String> specials = new ArrayList<>();
        Object given = p.getValue("specialTokens");
        if (given instanceof JsonArray array) {
            for (Object o : array) {
                if (!(o instanceof String s) || s.isEmpty()) {
                    throw bad("specialTokens must be non-empty strings, got " + o);
                }
                specials.add(s);
            }
        } else if (given != null) {
            throw bad("specialTokens must be an array of strings, got " + given);
        }
        String split = p.getString("split");
        WordSplit wordSplit = null;
        if (split != null) {
            if (!split.equals("bar") && !split.equals("beat")) {
                throw bad("split must be bar or beat, got '" + split + "'");
            }
            wordSplit = WordSplit.valueOf(split.toUpperCase(Locale.ROOT));
        }
        return new TrainingSpec(p.getString("type"), n.intValue(), p.getString("preTokenizer"), specials,
                p.getString("layout"), wordSplit, m.intValue(), Runtime.getRuntime().availableProcessors());
    }

    public boolean music() {
        return layout != null;
    }

    /** The settings as JSON, for the side file. */
    public JsonObject toJson() {
        JsonObject j = new JsonObject().put("type", type).put("vocabSize", vocabSize)
                .put("specialTokens", new JsonArray(specialTokens)).put("maxPieceLength", maxPieceLength);
        if (music()) {
            j.put("layout", layout).put("split", split.name().toLowerCase(Locale.ROOT));
        } else {
            j.put("preTokenizer", preTokenizer);
        }
        return j;
    }

    /** Trains on text documents (one {@code String} each). */
    public ServedTokenizer trainText(List<String> documents, TrainerProgress progress) {
        if (music()) {
            throw bad("a music spec (layout " + layout + ") trains on MIDI files, not text");
        }
        if (documents.isEmpty()) {
            throw bad("no documents to train on");
        }
        PreTokenizer pre = switch (preTokenizer) {
            case "gpt2" -> Gpt2PreTokenizer.INSTANCE;
            case "metaspace" -> MetaspacePreTokenizer.INSTANCE;
            default -> new CodePreTokenizer(CodePreTokenizer.Variant.of(preTokenizer));
        };
        WordCodec codec = preTokenizer.equals("metaspace") ? WordCodec.METASPACE : WordCodec.BYTE_LEVEL;
        WordCounts counts = WordCounts.count(documents, pre, codec, threads);
        SubwordModel model;
        if (type.equals("bpe")) {
            BpeTrainerConfig config = codec == WordCodec.BYTE_LEVEL
                    ? BpeTrainerConfig.byteLevel(vocabSize, specialTokens).withThreads(threads)
                    : new BpeTrainerConfig(vocabSize, 0, specialTokens, "", 0, threads);
            if (preTokenizer.equals("code-composite")) {
                config = config.withMaxTokenLength(CodePreTokenizer.COMPOSITE_MAX_TOKEN_LENGTH);
            }
            model = new BpeTrainer(config).train(counts, progress);
        } else {
            UnigramTrainerConfig config = UnigramTrainerConfig.defaults(vocabSize).withSpecialTokens(specialTokens)
                    .withThreads(threads).withMaxPieceLength(maxPieceLength);
            if (codec == WordCodec.BYTE_LEVEL) {
                config = config.withCharacterCoverage(1.0, ByteAlphabet.characters());
            }
            model = new UnigramTrainer(config).train(counts, progress);
        }
        TokenizerMeta meta = new TokenizerMeta(type, TokenizerMeta.moduleVersion(), preTokenizer, toJson(),
                TokenizerMeta.corpusHash(documents));
        return new ServedTokenizer.Text(new SubwordTokenizer(specialTokens, pre, codec, model), meta);
    }

    /** Trains on scores: events with programs (REMI+ or TSD), MidiTok's other defaults. */
    public ServedTokenizer trainMusic(List<Score> scores, TrainerProgress progress) {
        if (!music()) {
            throw bad("a text spec trains on text; give a layout (remi or tsd) to train on MIDI files");
        }
        if (scores.isEmpty()) {
            throw bad("no MIDI files to train on");
        }
        MusicTokenizerConfig config = MusicTokenizerConfig.defaults().withPrograms(true);
        MusicTokenizer base = layout.equals("remi") ? MusicTokenizer.remi(config) : MusicTokenizer.tsd(config);
        List<TokenSequence> corpus = scores.stream().map(base::encode).toList();
        MusicSubwordTokenizer tokenizer = type.equals("bpe")
                ? MusicSubwordTokenizer.trainBpe(base, corpus, split, vocabSize, progress)
                : MusicSubwordTokenizer.trainUnigram(base, corpus, split, vocabSize, maxPieceLength, progress);
        String hash = TokenizerMeta.corpusHash(corpus.stream().map(s -> EventCharacters.word(s.ids())).toList());
        return new ServedTokenizer.Music(tokenizer, hash);
    }

    private static TokenizerException bad(String message) {
        return new TokenizerException(TokenizerException.Code.BAD_CONFIG, message);
    }
}

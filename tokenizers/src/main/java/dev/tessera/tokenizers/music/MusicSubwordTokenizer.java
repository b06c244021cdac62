package dev.tessera.tokenizers.music;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.PreTokenizer;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.bpe.BpeModel;
import dev.tessera.tokenizers.bpe.BpeTrainer;
import dev.tessera.tokenizers.bpe.BpeTrainerConfig;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.json.TokenizerMeta;
import dev.tessera.tokenizers.unigram.UnigramModel;
import dev.tessera.tokenizers.unigram.UnigramTrainer;
import dev.tessera.tokenizers.unigram.UnigramTrainerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BPE or Unigram over the base events of a {@link MusicTokenizer} (spec §6.3, after MidiTok and "From
 * Words to Music"). Each base event is one character ({@link EventCharacters}); sequences are cut per bar
 * (or per beat), each bar one word, so learned tokens never cross a bar line; special events never occur
 * inside a word and keep their own ids. Immutable and thread-safe.
 *
 * <pre>{@code
 * MusicTokenizer remi = MusicTokenizer.remi(MusicTokenizerConfig.defaults());
 * List<TokenSequence> corpus = scores.stream().map(remi::encode).toList();
 * MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(remi, corpus, WordSplit.BAR, 1000);
 * int[] ids = bpe.encode(remi.encode(score));   // subword ids, shorter than the events
 * int[] events = bpe.decode(ids);               // base event ids again, exactly
 * Score back = bpe.decodeScore(ids);            // id -> piece -> code points - 0x21 -> events -> score
 * }</pre>
 *
 * <p>The subword vocabulary starts with the four special events at the ids they have in the base
 * vocabulary (0–3). With BPE the alphabet follows in code point order, that is in base id order, so each
 * base event keeps its own id and merges come after it. Unigram requires every base character (coverage
 * 1.0); its unknown piece is {@code PAD_None}, never produced since every event has a piece. The saved form
 * is HF's {@code tokenizer.json} with no pre-tokenizer and no decoder (HF encodes the same words to the same
 * ids when given them pre-split), plus {@code tokenizer.meta.json} naming the layout, split and event
 * configuration.
 */
public final class MusicSubwordTokenizer {

    /** {@code tokenizer.meta.json}'s pre-tokenizer name for music. */
    public static final String PRE_TOKENIZER = "music";

    private final MusicTokenizer base;
    private final WordSplit split;
    private final SubwordTokenizer subwords;
    private final SubwordModel model;
    /** Subword id of each special base id (0..3), and the base id of each subword id that is special or -1. */
    private final int[] specialSubwordIds = new int[MusicVocabulary.SPECIALS.size()];
    private final Map<Integer, Integer> specialBaseIds = new HashMap<>();

    /**
     * @param subwords a model over event characters: identity codec, the four special events as its
     *                 special tokens; every base event must be encodable
     */
    public MusicSubwordTokenizer(MusicTokenizer base, WordSplit split, SubwordTokenizer subwords) {
        this.base = base;
        this.split = split;
        this.subwords = subwords;
        this.model = subwords.model();
        if (subwords.codec() != WordCodec.IDENTITY) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "a music tokenizer maps event characters as they are (no pre-tokenizer, no decoder), got "
                            + subwords.codec());
        }
        for (int i = 0; i < specialSubwordIds.length; i++) {
            String special = MusicVocabulary.SPECIALS.get(i);
            int id = model.id(special);
            if (id < 0 || !subwords.specialTokens().isSpecial(id)) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "the subword vocabulary lacks the special token " + special);
            }
            specialSubwordIds[i] = id;
            specialBaseIds.put(id, i);
        }
        int first = MusicVocabulary.SPECIALS.size();
        int size = base.vocabulary().size();
        for (int id = first; id < size; id++) {
            if (model.id(String.valueOf(EventCharacters.of(id))) < 0) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE, "event " + base.vocabulary().token(id)
                        + " (id " + id + ") has no piece of its own: the subword model was not trained on this "
                        + "event vocabulary (" + size + " events)");
            }
        }
    }

    // ---- training ----

    /** The words of a corpus as event characters, with their counts (special events dropped). */
    public static WordCounts wordCounts(List<TokenSequence> corpus, WordSplit split) {
        Map<String, Long> counts = new HashMap<>();
        for (TokenSequence sequence : corpus) {
            for (int[] word : sequence.wordIds(split)) {
                forEachRun(word, (from, to) -> counts.merge(EventCharacters.word(word, from, to), 1L, Long::sum));
            }
        }
        return WordCounts.of(counts);
    }

    /**
     * BPE with every base event in the initial alphabet; {@code vocabSize} counts the special events, the
     * base events and the merges, so it must exceed the base vocabulary.
     */
    public static MusicSubwordTokenizer trainBpe(MusicTokenizer base, List<TokenSequence> corpus, WordSplit split,
            int vocabSize) {
        return trainBpe(base, corpus, split, vocabSize, TrainerProgress.NONE);
    }

    /** {@link #trainBpe(MusicTokenizer, List, WordSplit, int)}, telling {@code progress} after each merge. */
    public static MusicSubwordTokenizer trainBpe(MusicTokenizer base, List<TokenSequence> corpus, WordSplit split,
            int vocabSize, TrainerProgress progress) {
        requireLargerThanBase(base, vocabSize);
        BpeTrainerConfig config = new BpeTrainerConfig(vocabSize, 0, MusicVocabulary.SPECIALS, alphabet(base), 0,
                Runtime.getRuntime().availableProcessors());
        BpeModel bpe = new BpeTrainer(config).train(wordCounts(corpus, split), progress);
        return new MusicSubwordTokenizer(base, split, wrap(bpe));
    }

    /**
     * Unigram requiring every base event (coverage 1.0), with pieces of at most {@code maxPieceLength} events
     * (16 by default; MidiTok's code uses 128 for bar words and 32 for beat words).
     */
    public static MusicSubwordTokenizer trainUnigram(MusicTokenizer base, List<TokenSequence> corpus,
            WordSplit split, int vocabSize, int maxPieceLength) {
        return trainUnigram(base, corpus, split, vocabSize, maxPieceLength, TrainerProgress.NONE);
    }

    /** {@link #trainUnigram(MusicTokenizer, List, WordSplit, int, int)}, telling {@code progress} each EM round. */
    public static MusicSubwordTokenizer trainUnigram(MusicTokenizer base, List<TokenSequence> corpus,
            WordSplit split, int vocabSize, int maxPieceLength, TrainerProgress progress) {
        requireLargerThanBase(base, vocabSize);
        UnigramTrainerConfig config = new UnigramTrainerConfig(vocabSize, MusicVocabulary.SPECIALS,
                MusicVocabulary.PAD, 1.0, alphabet(base), maxPieceLength, 1_000_000, 2, 0.75, false,
                Runtime.getRuntime().availableProcessors());
        UnigramModel unigram = new UnigramTrainer(config).train(wordCounts(corpus, split), progress);
        return new MusicSubwordTokenizer(base, split, wrap(unigram));
    }

    private static void requireLargerThanBase(MusicTokenizer base, int vocabSize) {
        if (vocabSize <= base.vocabulary().size()) {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "vocabSize " + vocabSize
                    + " must exceed the " + base.vocabulary().size() + " base events to learn anything");
        }
    }

    /** The characters of every non-special base event. */
    private static String alphabet(MusicTokenizer base) {
        return EventCharacters.alphabet(MusicVocabulary.SPECIALS.size(), base.vocabulary().size());
    }

    private static SubwordTokenizer wrap(SubwordModel model) {
        return new SubwordTokenizer(MusicVocabulary.SPECIALS, PreTokenizer.WHOLE, WordCodec.IDENTITY, model);
    }

    // ---- encoding and decoding ----

    /** Subword ids of a score's events. */
    public int[] encode(Score score) {
        return encode(base.encode(score));
    }

    /** Subword ids of an event sequence, cut into words by this tokenizer's split. */
    public int[] encode(TokenSequence events) {
        return encodeWords(events.wordIds(split));
    }

    /**
     * Subword ids of words of base event ids; each word is encoded on its own. A special event is its own
     * subword token wherever it stands, and cuts a word in two.
     */
    public int[] encodeWords(List<int[]> words) {
        IntList out = new IntList();
        int size = base.vocabulary().size();
        for (int[] word : words) {
            for (int id : word) {
                if (id < 0 || id >= size) {
                    throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID,
                            "event id " + id + " is outside this vocabulary of " + size + " events");
                }
            }
            int start = 0;
            for (int i = 0; i <= word.length; i++) {
                if (i == word.length || isSpecialEvent(word[i])) {
                    if (i > start) {
                        model.encodeWord(EventCharacters.word(word, start, i), out);
                    }
                    if (i < word.length) {
                        out.add(specialSubwordIds[word[i]]);
                    }
                    start = i + 1;
                }
            }
        }
        return out.toArray();
    }

    /** The base event ids that subword ids stand for: id, piece, code points - 0x21. */
    public int[] decode(int[] subwordIds) {
        IntList out = new IntList(subwordIds.length * 3);
        int size = base.vocabulary().size();
        for (int id : subwordIds) {
            Integer special = specialBaseIds.get(id);
            if (special != null) {
                out.add(special);
                continue;
            }
            String piece = model.token(id);
            for (int event : EventCharacters.ids(piece)) {
                if (event < MusicVocabulary.SPECIALS.size() || event >= size) {
                    throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID, "subword " + id
                            + " stands for event id " + event + ", outside this vocabulary of " + size + " events");
                }
                out.add(event);
            }
        }
        return out.toArray();
    }

    /** The score subword ids stand for. */
    public Score decodeScore(int[] subwordIds) {
        return base.decode(decode(subwordIds));
    }

    /** The events of one subword token, e.g. {@code [Position_0, Pitch_60, Velocity_95]}. */
    public List<String> events(int subwordId) {
        List<String> events = new ArrayList<>();
        for (int id : decode(new int[] {subwordId})) {
            events.add(base.vocabulary().token(id));
        }
        return events;
    }

    private static boolean isSpecialEvent(int id) {
        return id < MusicVocabulary.SPECIALS.size();
    }

    private interface RunSink {
        void run(int from, int to);
    }

    /** Calls {@code sink} for each maximal run of non-special events. */
    private static void forEachRun(int[] word, RunSink sink) {
        int start = 0;
        for (int i = 0; i <= word.length; i++) {
            if (i == word.length || isSpecialEvent(word[i])) {
                if (i > start) {
                    sink.run(start, i);
                }
                start = i + 1;
            }
        }
    }

    // ---- accessors ----

    public MusicTokenizer base() {
        return base;
    }

    public WordSplit split() {
        return split;
    }

    /** The subword model as a tokenizer over event characters (what {@code tokenizer.json} holds). */
    public SubwordTokenizer subwords() {
        return subwords;
    }

    public int vocabSize() {
        return subwords.vocabSize();
    }

    /** {@code bpe} or {@code unigram}. */
    public String trainer() {
        return model instanceof UnigramModel ? "unigram" : "bpe";
    }

    // ---- files ----

    /**
     * Writes {@code tokenizer.json} (HF's format, no pre-tokenizer, no decoder) and, beside it,
     * {@code tokenizer.meta.json} with the layout, split and event configuration {@link #read} needs.
     *
     * @param corpusSha256 the training corpus's hash for the side file ({@link TokenizerMeta#corpusHash})
     */
    public void write(Path tokenizerJson, String corpusSha256) throws IOException {
        TokenizerJson.write(subwords, tokenizerJson);
        JsonObject config = new JsonObject().put("layout", base.layout()).put("split", split.name().toLowerCase())
                .put("vocab_size", vocabSize()).put("events", base.config().toJson());
        new TokenizerMeta(trainer(), TokenizerMeta.moduleVersion(), PRE_TOKENIZER, config, corpusSha256)
                .write(metaPath(tokenizerJson));
    }

    /** Reads what {@link #write} wrote. */
    public static MusicSubwordTokenizer read(Path tokenizerJson) throws IOException {
        Path metaPath = metaPath(tokenizerJson);
        if (!Files.isRegularFile(metaPath)) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE, "a music tokenizer needs "
                    + metaPath + " beside " + tokenizerJson.getFileName() + " for its event configuration");
        }
        TokenizerMeta meta = TokenizerMeta.read(metaPath);
        if (!PRE_TOKENIZER.equals(meta.preTokenizer())) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    metaPath + " describes a " + meta.preTokenizer() + " tokenizer, not a music one");
        }
        JsonObject config = meta.config();
        MusicTokenizerConfig events;
        WordSplit split;
        try {
            events = MusicTokenizerConfig.fromJson(config.getJsonObject("events"));
            split = WordSplit.valueOf(config.getString("split", "bar").toUpperCase());
        } catch (RuntimeException e) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    metaPath + " has a bad music configuration: " + e.getMessage(), e);
        }
        MusicTokenizer base = switch (config.getString("layout", "")) {
            case "remi" -> MusicTokenizer.remi(events);
            case "tsd" -> MusicTokenizer.tsd(events);
            default -> throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    metaPath + " names layout " + config.getString("layout") + "; expected remi or tsd");
        };
        return new MusicSubwordTokenizer(base, split, TokenizerJson.read(tokenizerJson));
    }

    /** {@code tokenizer.meta.json} beside a tokenizer file ({@link TokenizerMeta#pathFor}). */
    public static Path metaPath(Path tokenizerJson) {
        return TokenizerMeta.pathFor(tokenizerJson);
    }
}

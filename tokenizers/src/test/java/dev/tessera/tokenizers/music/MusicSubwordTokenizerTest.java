package dev.tessera.tokenizers.music;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.json.TokenizerMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BPE and Unigram over REMI and TSD events (spec §6.3) on generated MIDI: random multi-track pieces and
 * repeated phrases, 24 to train on and 8 held out, all with fixed seeds.
 */
class MusicSubwordTokenizerTest {

    static final MusicTokenizer REMI = MusicTokenizer.remi(MusicTokenizerConfig.defaults());
    static final MusicTokenizer TSD = MusicTokenizer.tsd(MusicTokenizerConfig.defaults());
    static final List<Score> TRAIN = new ArrayList<>();
    static final List<Score> HELD_OUT = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void corpus() {
        for (int i = 0; i < 32; i++) {
            Score score = i % 2 == 0
                    ? RandomMidi.score(100 + i, 480, 1 + i % 3, i % 4 == 0, 80, false)
                    : RandomMidi.phrases(100 + i, 480, 1 + i % 4, 6);
            (i % 4 == 3 || i % 4 == 2 && i >= 24 ? HELD_OUT : TRAIN).add(score);
        }
    }

    static List<TokenSequence> events(MusicTokenizer base, List<Score> scores) {
        return scores.stream().map(base::encode).toList();
    }

    @Test
    void eventCharactersStartAtU0021AndStayBelowTheMetaspaceCharacter() {
        assertEquals('!', EventCharacters.of(0));
        assertEquals('%', EventCharacters.of(4));
        assertTrue(EventCharacters.of(MusicVocabulary.MAX_SIZE - 1) < '\u2581');
        assertTrue(EventCharacters.of(MusicVocabulary.MAX_SIZE - 1) < Character.MIN_SURROGATE);
        int[] ids = {4, 5, 300, MusicVocabulary.MAX_SIZE - 1};
        assertArrayEquals(ids, EventCharacters.ids(EventCharacters.word(ids)));
        assertThrows(TokenizerException.class, () -> EventCharacters.of(MusicVocabulary.MAX_SIZE));
        assertThrows(TokenizerException.class, () -> EventCharacters.ids(" "));
    }

    @Test
    void bpeKeepsEveryBaseEventAtItsOwnIdAndLearnsMergesAfterThem() {
        MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(REMI, events(REMI, TRAIN), WordSplit.BAR, 600);
        assertEquals(600, bpe.vocabSize());
        int base = REMI.vocabulary().size();
        for (int id = 0; id < base; id++) {
            assertEquals(List.of(REMI.vocabulary().token(id)), bpe.events(id), "id " + id);
        }
        for (int id = base; id < bpe.vocabSize(); id++) {
            List<String> events = bpe.events(id);
            assertTrue(events.size() >= 2, "merge " + id);
            // Bar words: a learned REMI token can only hold a Bar_None as its first event.
            assertTrue(events.subList(1, events.size()).stream().noneMatch("Bar_None"::equals), events.toString());
        }
    }

    @Test
    void encodeThenDecodeGivesTheSameEventsAndShortensEveryPiece() {
        for (MusicTokenizer base : List.of(REMI, TSD)) {
            List<MusicSubwordTokenizer> tokenizers = List.of(
                    MusicSubwordTokenizer.trainBpe(base, events(base, TRAIN), WordSplit.BAR, 800),
                    MusicSubwordTokenizer.trainUnigram(base, events(base, TRAIN), WordSplit.BAR, 800, 16));
            for (MusicSubwordTokenizer t : tokenizers) {
                List<SequenceLength> lengths = new ArrayList<>();
                for (TokenSequence seq : events(base, HELD_OUT)) {
                    int[] ids = t.encode(seq);
                    assertArrayEquals(seq.ids(), t.decode(ids));
                    assertEquals(base.decode(seq.ids()), t.decodeScore(ids));
                    SequenceLength length = SequenceLength.of(seq, ids);
                    assertTrue(length.reduction() > 0.1, base.layout() + " " + t.trainer() + ": " + length);
                    lengths.add(length);
                }
                System.out.printf("%s %s 800: mean sequence-length reduction %.3f on %d held-out pieces%n",
                        base.layout(), t.trainer(), SequenceLength.meanReduction(lengths), lengths.size());
            }
        }
    }

    @Test
    void learnedTokensNeverCrossABarOrWithBeatWordsABeat() {
        for (WordSplit split : WordSplit.values()) {
            for (MusicTokenizer base : List.of(REMI, TSD)) {
                MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(base, events(base, TRAIN), split, 700);
                MusicSubwordTokenizer unigram = MusicSubwordTokenizer.trainUnigram(base, events(base, TRAIN), split,
                        700, 32);
                for (MusicSubwordTokenizer t : List.of(bpe, unigram)) {
                    int crossing = 0;
                    int multiEvent = 0;
                    for (TokenSequence seq : events(base, HELD_OUT)) {
                        int at = 0;
                        for (int id : t.encode(seq)) {
                            int n = t.decode(new int[] {id}).length;
                            int first = split == WordSplit.BAR ? seq.bar(at) : seq.beat(at);
                            int last = split == WordSplit.BAR ? seq.bar(at + n - 1) : seq.beat(at + n - 1);
                            crossing += first != last ? 1 : 0;
                            multiEvent += n > 1 ? 1 : 0;
                            at += n;
                        }
                        assertEquals(seq.size(), at);
                    }
                    assertEquals(0, crossing, split + " " + base.layout() + " " + t.trainer());
                    assertTrue(multiEvent > 100, "few multi-event tokens: " + multiEvent);
                }
            }
        }
    }

    @Test
    void unigramPiecesStayWithinTheMaximumLengthAndKeepEveryEvent() {
        int[] longest = new int[3];
        int[] maxLengths = {4, 16, 128};
        for (int k = 0; k < maxLengths.length; k++) {
            MusicSubwordTokenizer unigram = MusicSubwordTokenizer.trainUnigram(REMI, events(REMI, TRAIN),
                    WordSplit.BAR, 700, maxLengths[k]);
            assertEquals(700, unigram.vocabSize());
            for (int id = MusicVocabulary.SPECIALS.size(); id < unigram.vocabSize(); id++) {
                longest[k] = Math.max(longest[k], unigram.events(id).size());
            }
            assertTrue(longest[k] <= maxLengths[k], "longest piece " + longest[k] + " > " + maxLengths[k]);
            for (int event = MusicVocabulary.SPECIALS.size(); event < REMI.vocabulary().size(); event++) {
                assertTrue(unigram.subwords().id(String.valueOf(EventCharacters.of(event))) >= 0, "event " + event);
            }
        }
        System.out.printf("unigram longest learned piece with max 4, 16, 128: %s events%n", Arrays.toString(longest));
        assertEquals(4, longest[0]);
        assertTrue(longest[1] > 4, "the limit of 4 did not bind: " + Arrays.toString(longest));
    }

    @Test
    void specialEventsKeepTheirIdsAndCutWords() {
        MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(REMI, events(REMI, TRAIN), WordSplit.BAR, 600);
        int[] bar = REMI.encode(HELD_OUT.get(0)).wordIds().get(0);
        int[] withMask = new int[bar.length + 3];
        withMask[0] = 1; // BOS
        System.arraycopy(bar, 0, withMask, 1, 3);
        withMask[4] = 3; // MASK
        System.arraycopy(bar, 3, withMask, 5, bar.length - 3);
        withMask[withMask.length - 1] = 2; // EOS
        int[] ids = bpe.encodeWords(List.of(withMask));
        assertEquals(1, ids[0]);
        assertEquals(2, ids[ids.length - 1]);
        assertTrue(Arrays.stream(ids).filter(id -> id == 3).count() == 1);
        assertArrayEquals(withMask, bpe.decode(ids));
    }

    @Test
    void idsOutsideEitherVocabularyAreRejected() {
        MusicSubwordTokenizer bpe = MusicSubwordTokenizer.trainBpe(REMI, events(REMI, TRAIN), WordSplit.BAR, 600);
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> bpe.encodeWords(List.of(new int[] {4, 9999})));
        assertEquals(TokenizerException.Code.UNKNOWN_ID, e.code());
        assertTrue(e.getMessage().contains("9999"), e.getMessage());
        e = assertThrows(TokenizerException.class, () -> bpe.decode(new int[] {600}));
        assertEquals(TokenizerException.Code.UNKNOWN_ID, e.code());
        e = assertThrows(TokenizerException.class,
                () -> MusicSubwordTokenizer.trainBpe(REMI, events(REMI, TRAIN), WordSplit.BAR, 100));
        assertEquals(TokenizerException.Code.BAD_CONFIG, e.code());
        // A model trained on REMI's events cannot serve TSD's: events would lack pieces.
        MusicTokenizer programs = MusicTokenizer.remi(MusicTokenizerConfig.defaults().withPrograms(true));
        e = assertThrows(TokenizerException.class,
                () -> new MusicSubwordTokenizer(programs, WordSplit.BAR, bpe.subwords()));
        assertEquals(TokenizerException.Code.BAD_FILE, e.code());
    }

    @Test
    void hfEncodesTheSameBarWordsToTheSameIds() throws Exception {
        for (MusicTokenizer base : List.of(REMI, TSD)) {
            List<MusicSubwordTokenizer> tokenizers = List.of(
                    MusicSubwordTokenizer.trainBpe(base, events(base, TRAIN), WordSplit.BAR, 900),
                    MusicSubwordTokenizer.trainUnigram(base, events(base, TRAIN), WordSplit.BAR, 900, 16));
            for (MusicSubwordTokenizer ours : tokenizers) {
                Path json = dir.resolve(base.layout() + "-" + ours.trainer() + ".json");
                ours.write(json, "0".repeat(64));
                long compared = 0;
                try (HuggingFaceTokenizer hf = HfReference.load(json)) {
                    for (TokenSequence seq : events(base, HELD_OUT)) {
                        String[] words = seq.wordIds().stream().map(EventCharacters::word).toArray(String[]::new);
                        long[] theirs = hf.encode(words).getIds();
                        assertArrayEquals(theirs, Arrays.stream(ours.encode(seq)).asLongStream().toArray(),
                                base.layout() + " " + ours.trainer());
                        compared += theirs.length;
                    }
                }
                assertTrue(compared > 1000, "compared " + compared);
            }
        }
    }

    @Test
    void writtenTokenizersReadBackWithTheirEventConfiguration() throws Exception {
        MusicTokenizer base = MusicTokenizer.tsd(MusicTokenizerConfig.defaults().withPrograms(true).withTempos(true));
        MusicSubwordTokenizer unigram = MusicSubwordTokenizer.trainUnigram(base, events(base, TRAIN), WordSplit.BEAT,
                900, 16);
        Path json = dir.resolve("tsd-beat.json");
        unigram.write(json, "ab".repeat(32));
        assertEquals(dir.resolve("tsd-beat.meta.json"), MusicSubwordTokenizer.metaPath(json));
        MusicSubwordTokenizer back = MusicSubwordTokenizer.read(json);
        assertEquals("tsd", back.base().layout());
        assertEquals(base.config(), back.base().config());
        assertEquals(WordSplit.BEAT, back.split());
        assertEquals("unigram", TokenizerMeta.read(MusicSubwordTokenizer.metaPath(json)).trainer());
        for (TokenSequence seq : events(base, HELD_OUT)) {
            assertArrayEquals(unigram.encode(seq), back.encode(seq));
        }
    }
}

package dev.tessera.tokenizers.unigram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TextCorpus;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.bpe.BpeTrainerTest;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.pretokenize.MetaspacePreTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unigram on SentencePiece-style words: training results, and HF id parity through tokenizer.json. */
class UnigramTrainerTest {

    static final List<String> SPECIALS = List.of("<s>", "</s>");

    @TempDir
    static Path dir;
    static WordCounts counts;
    static UnigramTrainer trainer;
    static SubwordTokenizer ours;
    static Path json;

    @BeforeAll
    static void train() throws Exception {
        // The BPE fixture corpus (358 KB of synthetic text and code, about 200 distinct characters) plus some of
        // our sources; TextCorpus itself has too many one-off characters for a small vocabulary.
        List<String> docs = new ArrayList<>(BpeTrainerTest.fixtureLines());
        docs.addAll(HfReference.javaSources().subList(0, 8));
        counts = WordCounts.count(docs, MetaspacePreTokenizer.INSTANCE, WordCodec.METASPACE, 2);
        trainer = new UnigramTrainer(UnigramTrainerConfig.defaults(1500).withSpecialTokens(SPECIALS).withThreads(2));
        UnigramModel model = trainer.train(counts);
        ours = new SubwordTokenizer(SPECIALS, MetaspacePreTokenizer.INSTANCE, WordCodec.METASPACE, model);
        json = dir.resolve("tokenizer.json");
        TokenizerJson.write(ours, json);
        System.out.println("Unigram training: " + trainer.report());
    }

    @Test
    void vocabularyHasTheRequestedSizeAndLayout() {
        UnigramModel model = (UnigramModel) ours.model();
        assertEquals(1500, model.vocabSize());
        assertEquals(List.of("<unk>", "<s>", "</s>"), model.pieces().subList(0, 3));
        assertEquals(0, model.unkId());
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, model.score(i));
        }
        for (int i = 4; i < model.vocabSize(); i++) {
            assertTrue(model.score(i) <= model.score(i - 1), "scores descend after the special tokens");
            assertTrue(model.score(i) < 0);
        }
        // Every required character is a piece.
        assertTrue(model.id("▁") > 0 && model.id("e") > 0 && model.id("日") > 0);
        UnigramTrainer.Report r = trainer.report();
        assertTrue(r.prunings() >= 1 && r.emRounds() == 2 * (r.prunings() + 1), r.toString());
        assertTrue(r.seedPieces() > 1500, r.toString());
    }

    @Test
    void tooManyRequiredCharactersIsABadConfiguration() {
        WordCounts manyChars = WordCounts.count(List.of(TextCorpus.generate(5, 100_000)), MetaspacePreTokenizer.INSTANCE,
                WordCodec.METASPACE, 1);
        TokenizerException e = org.junit.jupiter.api.Assertions.assertThrows(TokenizerException.class,
                () -> new UnigramTrainer(UnigramTrainerConfig.defaults(300)).train(manyChars));
        assertEquals(TokenizerException.Code.BAD_CONFIG, e.code());
    }

    @Test
    void progressRisesToTheRoundsRunAndEndsThere() {
        List<long[]> calls = new ArrayList<>();
        UnigramTrainer small = new UnigramTrainer(UnigramTrainerConfig.defaults(400).withThreads(2));
        small.train(counts, (done, total) -> calls.add(new long[] {done, total}));
        int rounds = small.report().emRounds();
        assertTrue(rounds >= 4, "rounds " + rounds);
        assertEquals(rounds + 1, calls.size(), "one call per round, then the final one");
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(Math.min(i + 1, rounds), calls.get(i)[0]);
            assertTrue(calls.get(i)[0] <= calls.get(i)[1]);
        }
        assertEquals(rounds, calls.get(calls.size() - 1)[1]);
    }

    @Test
    void trainingIsDeterministicForTheSameThreadCount() {
        UnigramModel again = new UnigramTrainer(UnigramTrainerConfig.defaults(1500).withSpecialTokens(SPECIALS)
                .withThreads(2)).train(counts);
        UnigramModel model = (UnigramModel) ours.model();
        assertEquals(model.pieces(), again.pieces());
        for (int i = 0; i < model.vocabSize(); i++) {
            assertEquals(Double.doubleToLongBits(model.score(i)), Double.doubleToLongBits(again.score(i)));
        }
    }

    @Test
    void learnedPiecesShortenTheText() throws Exception {
        String text = String.join("", BpeTrainerTest.fixtureLines().subList(0, 300));
        int tokens = ours.encode(text).length;
        int chars = text.codePointCount(0, text.length());
        assertTrue(tokens < 0.4 * chars, tokens + " tokens for " + chars + " characters");
    }

    @Test
    void idsEqualHfOnOneMegabyteOfMixedTextAndCode() throws Exception {
        List<String> corpus = HfReference.parityCorpus(13, 1_050_000);
        corpus.add("<s>hello world</s> <s> x</s>");
        try (HuggingFaceTokenizer hf = HfReference.load(json)) {
            HfReference.Parity parity = HfReference.assertSameIds(ours, hf, corpus, null);
            assertTrue(parity.utf8Bytes() >= 1_000_000);
        }
    }

    @Test
    void writeReadWriteIsByteIdentical() throws Exception {
        SubwordTokenizer back = TokenizerJson.read(json);
        Path again = dir.resolve("again.json");
        TokenizerJson.write(back, again);
        assertArrayEquals(Files.readAllBytes(json), Files.readAllBytes(again));
        String text = TextCorpus.generate(80, 10_000);
        assertArrayEquals(ours.encode(text), back.encode(text));
    }

    @Test
    void sampledSegmentationsDecodeToTheTextAndFollowTheSeed() {
        String text = "the quick sun and the string of ration";
        int[] best = ours.encode(text);
        int differing = 0;
        for (long seed = 0; seed < 50; seed++) {
            int[] sampled = ours.sample(text, 0.2, seed);
            assertEquals(text, ours.decode(sampled));
            assertArrayEquals(sampled, ours.sample(text, 0.2, seed));
            if (!java.util.Arrays.equals(sampled, best)) {
                differing++;
            }
        }
        assertTrue(differing > 10, "samples that differ from Viterbi: " + differing);
    }

    @Test
    void decodeRestoresTextWithoutLeadingSpace() {
        String text = "hello  world, it's  unigram";
        assertEquals(text, ours.decode(ours.encode(text)));
    }
}

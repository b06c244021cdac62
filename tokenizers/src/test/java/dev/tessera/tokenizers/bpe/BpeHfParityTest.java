package dev.tessera.tokenizers.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TextCorpus;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our byte-level BPE, exported to tokenizer.json, gives the ids HF gives when it loads that file. */
class BpeHfParityTest {

    static final List<String> SPECIALS = List.of("<|endoftext|>", "<pad>");

    @TempDir
    static Path dir;
    static SubwordTokenizer ours;
    static Path json;

    @BeforeAll
    static void train() throws Exception {
        List<String> training = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            training.add(TextCorpus.generate(500 + i, 5_000));
        }
        training.addAll(HfReference.javaSources().subList(0, 10));
        WordCounts counts = WordCounts.count(training, Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, 2);
        BpeModel model = new BpeTrainer(BpeTrainerConfig.byteLevel(2000, SPECIALS)).train(counts);
        ours = new SubwordTokenizer(SPECIALS, Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, model);
        json = dir.resolve("tokenizer.json");
        TokenizerJson.write(ours, json);
    }

    @Test
    void idsEqualHfOnOneMegabyteOfMixedTextAndCode() throws Exception {
        List<String> corpus = HfReference.parityCorpus(11, 1_100_000);
        // Special tokens inside text are split out first by both.
        corpus.add("before<|endoftext|>after <pad><pad>x<|endoftext|");
        try (HuggingFaceTokenizer hf = HfReference.load(json)) {
            HfReference.Parity parity = HfReference.assertSameIds(ours, hf, corpus, null);
            assertTrue(parity.utf8Bytes() >= 1_000_000, "bytes: " + parity.utf8Bytes());
            assertTrue(parity.idsCompared() > 200_000, "ids: " + parity.idsCompared());
        }
    }

    @Test
    void hundredKilobyteInputIsNotTruncated() throws Exception {
        String text = TextCorpus.generate(77, 100_000);
        try (HuggingFaceTokenizer hf = HfReference.load(json)) {
            long[] theirs = hf.encode(text).getIds();
            int[] mine = ours.encode(text);
            assertTrue(mine.length > 20_000, "ids: " + mine.length);
            assertArrayEquals(java.util.Arrays.stream(mine).asLongStream().toArray(), theirs);
        }
    }

    @Test
    void hfDecodesOurIdsToTheText() throws Exception {
        String text = TextCorpus.generate(78, 3_000);
        try (HuggingFaceTokenizer hf = HfReference.load(json)) {
            long[] ids = java.util.Arrays.stream(ours.encode(text)).asLongStream().toArray();
            assertEquals(text, hf.decode(ids, false));
            assertEquals(text, ours.decode(ours.encode(text)));
        }
    }

    @Test
    void writeReadWriteIsByteIdentical() throws Exception {
        SubwordTokenizer back = TokenizerJson.read(json);
        Path again = dir.resolve("again.json");
        TokenizerJson.write(back, again);
        assertArrayEquals(Files.readAllBytes(json), Files.readAllBytes(again));
        String text = TextCorpus.generate(79, 10_000);
        assertArrayEquals(ours.encode(text), back.encode(text));
    }

    @Test
    void hfWrittenFixtureImportsAndEncodesAsHf() throws Exception {
        Path fixture = BpeTrainerTest.FIXTURE.resolve("tokenizer-3000.json");
        SubwordTokenizer imported = TokenizerJson.read(fixture);
        List<String> docs = BpeTrainerTest.fixtureLines().subList(0, 2000);
        try (HuggingFaceTokenizer hf = HfReference.load(fixture)) {
            HfReference.assertSameIds(imported, hf, docs, null);
        }
        String oldFormat = Files.readString(fixture, StandardCharsets.UTF_8);
        assertTrue(oldFormat.contains("\"merges\": ["));
    }
}

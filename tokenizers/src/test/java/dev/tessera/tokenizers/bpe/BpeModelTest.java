package dev.tessera.tokenizers.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.tokenizers.ByteAlphabet;
import dev.tessera.tokenizers.HfReference;
import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.TextCorpus;
import dev.tessera.tokenizers.Utf8;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BpeModelTest {

    static SubwordTokenizer tokenizer;

    @BeforeAll
    static void train() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            docs.add(TextCorpus.generate(i, 5_000));
        }
        WordCounts counts = WordCounts.count(docs, Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, 2);
        BpeModel model = new BpeTrainer(BpeTrainerConfig.byteLevel(800, List.of("<|endoftext|>"))).train(counts);
        tokenizer = new SubwordTokenizer(List.of("<|endoftext|>"), Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL,
                model);
    }

    @Test
    void lowestRankMergesFirstLeftmostOnTies() {
        // Ranks: (b,c) 0, (a,b) 1, (a,bc) 2, (bc,b) 3. "abcbc": (b,c) at 1 and at 3 first, leftmost first;
        // then (a,bc) rank 2 beats (bc,bc) which has no merge -> [abc, bc].
        List<String> vocab = List.of("a", "b", "c", "bc", "ab", "abc", "bcb");
        List<BpeModel.Merge> merges = List.of(new BpeModel.Merge("b", "c"), new BpeModel.Merge("a", "b"),
                new BpeModel.Merge("a", "bc"), new BpeModel.Merge("bc", "b"));
        BpeModel model = new BpeModel(vocab, merges);
        assertArrayEquals(new int[] {5, 3}, encode(model, "abcbc"));
        // "abcb": (b,c) at 1 first -> a bc b; then (a,bc) rank 2 before (bc,b) rank 3 -> abc b.
        assertArrayEquals(new int[] {5, 1}, encode(model, "abcb"));
        // "ab": only (a,b).
        assertArrayEquals(new int[] {4}, encode(model, "ab"));
        assertArrayEquals(new int[] {0, 0, 2}, encode(model, "aac"));
    }

    @Test
    void cacheDoesNotChangeIds() {
        BpeModel model = (BpeModel) tokenizer.model();
        SubwordTokenizer uncached = new SubwordTokenizer(List.of("<|endoftext|>"), Gpt2PreTokenizer.INSTANCE,
                WordCodec.BYTE_LEVEL, model.withCacheCapacity(0));
        String text = TextCorpus.generate(4242, 50_000);
        assertArrayEquals(uncached.encode(text), tokenizer.encode(text));
        assertArrayEquals(uncached.encode(text), tokenizer.encode(text));
    }

    @Test
    void decodeOfEncodeIsTheTextForValidStrings() {
        for (int seed = 0; seed < 30; seed++) {
            String text = TextCorpus.generate(9000 + seed, 3_000) + "<|endoftext|>tail";
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
        // An unpaired surrogate encodes as U+FFFD (documented).
        assertEquals("a\uFFFDb", tokenizer.decode(tokenizer.encode("a\uD800b")));
    }

    @Test
    void decodeBytesOfEncodeBytesIsTheInputForAnyBytes() {
        Random rnd = new Random(5);
        for (int t = 0; t < 300; t++) {
            byte[] bytes;
            if (t % 3 == 0) {
                bytes = new byte[rnd.nextInt(200)];
                rnd.nextBytes(bytes);
            } else {
                bytes = HfReference.withInvalidBytes(Utf8.encode(TextCorpus.generate(t, 500)), rnd);
            }
            assertArrayEquals(bytes, tokenizer.decodeBytes(tokenizer.encodeBytes(bytes)), "case " + t);
        }
    }

    @Test
    void invalidBytesAreWordsOfTheirOwn() {
        byte[] bytes = {'a', 'b', (byte) 0xFF, 'c'};
        int[] ids = tokenizer.encodeBytes(bytes);
        int ff = tokenizer.id(ByteAlphabet.stringOf(0xFF));
        assertEquals(ff, ids[ids.length - 2]);
        assertEquals(tokenizer.id("c"), ids[ids.length - 1]);
    }

    @Test
    void jsonImportKeepsEncoding() {
        SubwordTokenizer back = TokenizerJson.fromJson(TokenizerJson.toJson(tokenizer), null);
        String text = TextCorpus.generate(31, 20_000);
        assertArrayEquals(tokenizer.encode(text), back.encode(text));
    }

    private static int[] encode(BpeModel model, String word) {
        IntList out = new IntList();
        model.encodeWord(word, out);
        return out.toArray();
    }
}

package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.tokenizers.bpe.BpeModel;
import dev.tessera.tokenizers.bpe.BpeTrainer;
import dev.tessera.tokenizers.bpe.BpeTrainerConfig;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer;
import dev.tessera.tokenizers.pretokenize.CodePreTokenizer.Variant;
import dev.tessera.tokenizers.unigram.UnigramModel;
import dev.tessera.tokenizers.unigram.UnigramTrainer;
import dev.tessera.tokenizers.unigram.UnigramTrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code tokenizers on the byte-level base: exported with {@code ByteLevel} and {@code use_regex: false}, HF gets
 * our words through pre-tokenized input and must give the same ids, for BPE and for byte-level Unigram.
 */
class CodeTokenizersHfParityTest {

    @TempDir
    static Path dir;
    static List<String> sources;
    static List<String> heldOut;

    @BeforeAll
    static void corpus() {
        List<String> all = HfReference.javaSources();
        sources = new ArrayList<>();
        heldOut = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 4 ? heldOut : sources).add(all.get(i));
        }
        for (int i = 0; i < 6; i++) {
            sources.add(TextCorpus.generate(300 + i, 8_000));
            heldOut.add(TextCorpus.generate(400 + i, 8_000));
        }
    }

    private static SubwordTokenizer bpe(Variant variant, int vocab) {
        CodePreTokenizer pre = new CodePreTokenizer(variant);
        WordCounts counts = WordCounts.count(sources, pre, WordCodec.BYTE_LEVEL, 2);
        BpeTrainerConfig config = BpeTrainerConfig.byteLevel(vocab, List.of("<|endoftext|>"));
        if (variant == Variant.CODE_COMPOSITE) {
            config = config.withMaxTokenLength(CodePreTokenizer.COMPOSITE_MAX_TOKEN_LENGTH);
        }
        BpeModel model = new BpeTrainer(config).train(counts);
        return new SubwordTokenizer(List.of("<|endoftext|>"), pre, WordCodec.BYTE_LEVEL, model);
    }

    private static void assertParity(SubwordTokenizer ours, String name) throws Exception {
        Path json = dir.resolve(name + ".json");
        TokenizerJson.write(ours, json);
        SubwordTokenizer back = TokenizerJson.read(json, ours.preTokenizer());
        try (HuggingFaceTokenizer hf = HfReference.load(json)) {
            HfReference.Parity p = HfReference.assertSameIds(ours, hf, heldOut, ours.preTokenizer()::split);
            assertTrue(p.idsCompared() > 10_000, name + ": " + p);
        }
        for (String doc : heldOut) {
            int[] ids = ours.encode(doc);
            assertArrayEquals(ids, ours.encodeWords(ours.preTokenizer().split(doc)));
            assertArrayEquals(ids, back.encode(doc));
            assertEquals(doc, ours.decode(ids), name + " round trip");
        }
    }

    @Test
    void bpeIdsEqualHfForEveryCodeVariant() throws Exception {
        for (Variant v : List.of(Variant.CODE_FINE, Variant.CODE_IDENT, Variant.CODE_COMPOSITE)) {
            assertParity(bpe(v, 1500), "bpe-" + v.id());
        }
    }

    @Test
    void compositeTokensStayWithinSixteenCharacters() {
        SubwordTokenizer composite = bpe(Variant.CODE_COMPOSITE, 1500);
        for (int id = 0; id < composite.vocabSize(); id++) {
            String token = composite.token(id);
            if (!token.startsWith("<|")) {
                assertTrue(token.length() <= CodePreTokenizer.COMPOSITE_MAX_TOKEN_LENGTH, token);
            }
        }
    }

    @Test
    void byteLevelUnigramIdsEqualHf() throws Exception {
        CodePreTokenizer pre = new CodePreTokenizer(Variant.CODE_IDENT);
        WordCounts counts = WordCounts.count(sources, pre, WordCodec.BYTE_LEVEL, 2);
        StringBuilder bytes = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            bytes.append(ByteAlphabet.charOf(b));
        }
        UnigramTrainerConfig config = UnigramTrainerConfig.defaults(1200).withCharacterCoverage(1.0, bytes.toString())
                .withThreads(2);
        UnigramModel model = new UnigramTrainer(config).train(counts);
        SubwordTokenizer ours = new SubwordTokenizer(List.of(), pre, WordCodec.BYTE_LEVEL, model);
        assertEquals(1200, ours.vocabSize());
        assertParity(ours, "unigram-code-ident");
    }
}

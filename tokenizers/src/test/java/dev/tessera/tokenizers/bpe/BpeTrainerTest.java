package dev.tessera.tokenizers.bpe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.tokenizers.SubwordTokenizer;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import dev.tessera.tokenizers.json.TokenizerJson;
import dev.tessera.tokenizers.pretokenize.Gpt2PreTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class BpeTrainerTest {

    public static final Path FIXTURE = Path.of("src/test/resources/fixtures/bpe-parity");

    private static BpeTrainerConfig plain(int vocabSize) {
        return new BpeTrainerConfig(vocabSize, 0, List.of(), "", 0, 2);
    }

    @Test
    void smallCorpusGivesTheHandComputedMerges() {
        // hug 10, pug 5, pun 12, bun 4, hugs 5. Alphabet b g h n p s u (ids 0-6). (u,g) 20 first; then (u,n) 16,
        // (h,ug) 15, (p,un) 12; (p,ug) and (hug,s) tie at 5 and the smaller pair (4,7) < (9,5) goes first.
        WordCounts counts = WordCounts.of(Map.of("hug", 10L, "pug", 5L, "pun", 12L, "bun", 4L, "hugs", 5L));
        BpeModel model = new BpeTrainer(plain(100)).train(counts);
        assertEquals(List.of("b", "g", "h", "n", "p", "s", "u", "ug", "un", "hug", "pun", "pug", "hugs", "bun"),
                model.vocab());
        assertEquals(List.of(m("u", "g"), m("u", "n"), m("h", "ug"), m("p", "un"), m("p", "ug"), m("hug", "s"),
                m("b", "un")), model.merges());

        BpeModel small = new BpeTrainer(plain(10)).train(counts);
        assertEquals(List.of(m("u", "g"), m("u", "n"), m("h", "ug")), small.merges());
    }

    @Test
    void progressCountsEveryMergeAndAThrowingListenerStopsTraining() {
        WordCounts counts = WordCounts.of(Map.of("hug", 10L, "pug", 5L, "pun", 12L, "bun", 4L, "hugs", 5L));
        List<long[]> calls = new ArrayList<>();
        BpeModel model = new BpeTrainer(plain(12)).train(counts, (done, total) -> calls.add(new long[] {done, total}));
        // 7 letters, 5 merges to make: one call per merge, then the final one.
        assertEquals(12, model.vocabSize());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 5L), calls.stream().map(c -> c[0]).toList());
        assertEquals(List.of(5L), calls.stream().map(c -> c[1]).distinct().toList());
        IllegalStateException stop = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new BpeTrainer(plain(12)).train(counts, (done, total) -> {
                    if (done == 2) {
                        throw new IllegalStateException("cancelled");
                    }
                }));
        assertEquals("cancelled", stop.getMessage());
    }

    @Test
    void overlappingRunsMergeLeftToRightAsHf() {
        // HF 0.22.2 on {aaaaa: 4, aa: 4} gives [a a], [aa a], [aa aaa]: "aaaaa" becomes aa aa a, the broken
        // (a, a) overlaps are subtracted, and (aa, a) wins over (aa, aa) on the tie at 4 by the smaller pair.
        WordCounts counts = WordCounts.of(Map.of("aaaaa", 4L, "aa", 4L));
        BpeModel model = new BpeTrainer(plain(100)).train(counts);
        assertEquals(List.of(m("a", "a"), m("aa", "a"), m("aa", "aaa")), model.merges());
        assertEquals(List.of("a", "aa", "aaa", "aaaaa"), model.vocab());
    }

    @Test
    void mergesEqualThoseHfTrainedOnTheFixtureCorpus() throws IOException {
        WordCounts counts = WordCounts.count(fixtureLines(), Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, 2);
        assertFixture("tokenizer-3000.json", BpeTrainerConfig.byteLevel(3000, List.of("<|endoftext|>", "<pad>")),
                counts, 2742);
        assertFixture("tokenizer-800-minfreq5-maxlen4.json",
                BpeTrainerConfig.byteLevel(800, List.of("<s>")).withMinFrequency(5).withMaxTokenLength(4), counts, 533);
    }

    @Test
    void resultDoesNotDependOnThreads() throws IOException {
        WordCounts counts = WordCounts.count(fixtureLines(), Gpt2PreTokenizer.INSTANCE, WordCodec.BYTE_LEVEL, 1);
        BpeModel one = new BpeTrainer(BpeTrainerConfig.byteLevel(1200, List.of()).withThreads(1)).train(counts);
        BpeModel four = new BpeTrainer(BpeTrainerConfig.byteLevel(1200, List.of()).withThreads(4)).train(counts);
        assertEquals(one.merges(), four.merges());
    }

    private static void assertFixture(String file, BpeTrainerConfig config, WordCounts counts, int expectedMerges)
            throws IOException {
        SubwordTokenizer hf = TokenizerJson.read(FIXTURE.resolve(file));
        BpeModel expected = (BpeModel) hf.model();
        BpeModel ours = new BpeTrainer(config).train(counts);
        assertEquals(expectedMerges, expected.merges().size());
        assertEquals(expected.merges(), ours.merges(), file);
        assertEquals(expected.vocab(), ours.vocab(), file);
    }

    /** One document per line, newline included, as make_fixture.py feeds HF. */
    public static List<String> fixtureLines() throws IOException {
        String text = Files.readString(FIXTURE.resolve("corpus.txt"), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            lines.add(text.substring(from));
        }
        return lines;
    }

    private static BpeModel.Merge m(String a, String b) {
        return new BpeModel.Merge(a, b);
    }
}

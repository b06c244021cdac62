package dev.tessera.tokenizers.unigram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.WordCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnigramPartsTest {

    @Test
    void digammaMatchesKnownValues() {
        // Recurrence to x >= 6, then the series: the truncation error there is about 1e-11.
        assertEquals(-0.5772156649015329, UnigramTrainer.digamma(1.0), 1e-10); // -Euler's gamma
        assertEquals(-1.9635100260214235, UnigramTrainer.digamma(0.5), 1e-10);
        assertEquals(0.4227843350984671, UnigramTrainer.digamma(2.0), 1e-10);
        assertEquals(2.2517525890667211, UnigramTrainer.digamma(10.0), 1e-10);
        assertEquals(Math.log(1e6) - 0.5e-6, UnigramTrainer.digamma(1e6), 1e-10);
    }

    @Test
    void suffixArrayOfBananaAndItsRepeats() {
        SuffixArray sa = new SuffixArray("banana".codePoints().toArray());
        assertArrayEquals(new int[] {5, 3, 1, 0, 4, 2}, sa.sa);
        assertArrayEquals(new int[] {0, 1, 3, 0, 0, 2}, sa.lcp);
        List<String> repeats = new ArrayList<>();
        sa.forEachInterval((depth, left, count) -> repeats.add("banana".substring(sa.sa[left], sa.sa[left] + depth)
                + "x" + count));
        assertEquals(List.of("anax2", "ax3", "nax2"), repeats.stream().sorted().toList());
    }

    @Test
    void suffixArrayIsSortedOnRandomText() {
        Random rnd = new Random(3);
        int[] text = new int[5000];
        for (int i = 0; i < text.length; i++) {
            text[i] = rnd.nextInt(4) == 0 ? 0x1F600 + rnd.nextInt(3) : 'a' + rnd.nextInt(3);
        }
        SuffixArray sa = new SuffixArray(text);
        for (int i = 1; i < text.length; i++) {
            int[] a = java.util.Arrays.copyOfRange(text, sa.sa[i - 1], text.length);
            int[] b = java.util.Arrays.copyOfRange(text, sa.sa[i], text.length);
            assertTrue(java.util.Arrays.compare(a, b) < 0);
            int common = java.util.Arrays.mismatch(a, b);
            assertEquals(common < 0 ? Math.min(a.length, b.length) : common, sa.lcp[i]);
        }
    }

    @Test
    void seedPiecesAreScoredByOccurrencesTimesLength() {
        // Words (each once in the concatenation): "▁ab" x3 counts, "▁abc" x1, "▁b" x2. Repeats: "▁ab" occurs
        // twice (score 6), "ab" twice (4), "▁" three times but is a character, "b" likewise.
        WordCounts counts = WordCounts.of(Map.of("▁ab", 3L, "▁abc", 1L, "▁b", 2L));
        UnigramTrainer trainer = new UnigramTrainer(UnigramTrainerConfig.defaults(20).withThreads(1));
        String[] words = counts.asMap().keySet().toArray(String[]::new);
        Map<Integer, Long> chars = Map.of((int) '▁', 6L, (int) 'a', 4L, (int) 'b', 6L, (int) 'c', 1L);
        List<UnigramTrainer.Piece> seeds = trainer.seedPieces(words, chars, trainer.requiredCharacters(chars));
        // Characters first by count (ties by code point: b < ▁), then substrings by score.
        assertEquals(List.of("b", "▁", "a", "c", "▁ab", "ab"), seeds.stream().map(UnigramTrainer.Piece::text).toList());
        double sum = 6 + 6 + 4 + 1 + 6 + 4;
        assertEquals(Math.log(6 / sum), seeds.get(4).score(), 1e-12);
        assertEquals(Math.log(4 / sum), seeds.get(5).score(), 1e-12);
    }

    @Test
    void seedsFromSentencesCountRunningTextAndKeepSpacesFirst() {
        // Two distinct sentences: "▁ab▁ab▁▁ab" and "▁ab▁c". Repeats within and across them: "▁ab" 4 times
        // (score 12), "ab" 4 (8), "▁▁" is not repeated; "▁ab▁", "ab▁" and "b▁" (3 times each) cross a word
        // boundary, which SentencePiece rejects: '▁' only first, or '▁' alone.
        UnigramTrainer trainer = new UnigramTrainer(UnigramTrainerConfig.defaults(20).withThreads(1));
        String[] sentences = {"▁ab▁ab▁▁ab", "▁ab▁c"};
        Map<Integer, Long> chars = Map.of((int) '▁', 6L, (int) 'a', 4L, (int) 'b', 4L, (int) 'c', 1L);
        List<String> seeds = trainer.seedPieces(sentences, chars, trainer.requiredCharacters(chars), true).stream()
                .map(UnigramTrainer.Piece::text).toList();
        assertEquals(List.of("▁", "a", "b", "c", "▁ab", "ab"), seeds);
        List<String> unfiltered = trainer.seedPieces(sentences, chars, trainer.requiredCharacters(chars), false)
                .stream().map(UnigramTrainer.Piece::text).toList();
        assertEquals(List.of("▁", "a", "b", "c", "▁ab", "▁ab▁", "ab▁", "ab", "b▁"), unfiltered);
    }

    @Test
    void coverageDropsTheRarestCharacters() {
        Map<Integer, Long> chars = Map.of((int) 'a', 9_000L, (int) 'b', 990L, (int) 'z', 10L);
        UnigramTrainer trainer = new UnigramTrainer(UnigramTrainerConfig.defaults(20).withCharacterCoverage(0.99, ""));
        // a covers 0.9, a+b 0.999 >= 0.99: z is not required.
        assertEquals(List.of((int) 'a', (int) 'b'), new ArrayList<>(trainer.requiredCharacters(chars)));
    }

    private static UnigramModel toy(boolean byteFallback) {
        List<String> pieces = new ArrayList<>(List.of("<unk>", "a", "b", "ab", "c", "abc"));
        double[] scores = {0.0, -1.0, -1.0, -2.0, -3.0, -4.5};
        if (byteFallback) {
            pieces.add("<0xC3>");
            pieces.add("<0xA9>");
            scores = java.util.Arrays.copyOf(scores, 8);
        }
        return new UnigramModel(pieces, scores, 0, byteFallback);
    }

    private static int[] encode(UnigramModel m, String word) {
        IntList out = new IntList();
        m.encodeWord(word, out);
        return out.toArray();
    }

    @Test
    void viterbiKeepsTheFirstPathOnTies() {
        UnigramModel m = toy(false);
        // a+b = -2 = ab: the shorter piece from position 0 reaches end 2 first with "ab" (trie order: a, then ab
        // both from 0; ab sets node 2 to -2, then b from 1 gives -2 again, not strictly greater).
        assertArrayEquals(new int[] {3}, encode(m, "ab"));
        // abc: ab+c = -5, a+b+c = -5, abc = -4.5: abc wins.
        assertArrayEquals(new int[] {5}, encode(m, "abc"));
    }

    @Test
    void unknownCharactersFuseIntoOneUnk() {
        UnigramModel m = toy(false);
        assertArrayEquals(new int[] {0, 3, 0}, encode(m, "xyabz"));
        assertArrayEquals(new int[] {1, 0}, encode(m, "a\uD83D\uDE00\uD83D\uDE00"));
    }

    @Test
    void byteFallbackSpellsUnknownsAsBytes() {
        UnigramModel m = toy(true);
        assertArrayEquals(new int[] {1, 6, 7}, encode(m, "aé"));
        // A byte without its piece falls back to <unk>.
        assertArrayEquals(new int[] {1, 0}, encode(m, "aè"));
        assertEquals(0xC3, m.byteValue(6));
    }

    @Test
    void samplingFollowsThePathProbabilitiesAndTheSeed() {
        UnigramModel m = toy(false);
        // "ab": paths {ab} with exp(-2) and {a, b} with exp(-2): equal at theta 1. At theta 0.5 also equal.
        // "abc": {abc} e^-4.5, {ab,c} e^-5, {a,b,c} e^-5: P(abc) = 1 / (1 + 2 e^-0.5) = 0.4519.
        Random rnd = new Random(17);
        int abc = 0;
        int trials = 20_000;
        for (int t = 0; t < trials; t++) {
            IntList out = new IntList();
            m.sampleWord("abc", 1.0, rnd, out);
            if (out.size() == 1) {
                abc++;
            }
        }
        assertEquals(1 / (1 + 2 * Math.exp(-0.5)), abc / (double) trials, 0.01);
        IntList first = new IntList();
        IntList second = new IntList();
        for (int t = 0; t < 50; t++) {
            m.sampleWord("abcabc", 1.0, new Random(99), first);
            m.sampleWord("abcabc", 1.0, new Random(99), second);
        }
        assertArrayEquals(first.toArray(), second.toArray());
    }

    @Test
    void secondBestPathIsFound() {
        UnigramModel m = toy(false);
        Lattice lattice = m.lattice("abc");
        int[][] nbest = lattice.nbest2();
        assertEquals(2, nbest.length);
        assertArrayEquals(new int[] {5}, java.util.Arrays.stream(nbest[0]).map(n -> lattice.ids[n]).toArray());
        // ab+c and a+b+c tie at -5; either is a valid second path.
        assertEquals(-5.0, java.util.Arrays.stream(nbest[1]).mapToDouble(n -> lattice.scores[n]).sum(), 1e-12);
    }
}

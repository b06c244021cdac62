package dev.tessera.tokenizers.unigram;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.WordCodec;
import dev.tessera.tokenizers.WordCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Trains a Unigram model as SentencePiece's {@code unigram_model_trainer.cc} does: required characters by
 * coverage, seed pieces from a suffix array scored by frequency x length, EM with the digamma M-step, loss-based
 * pruning to 1.1 x the vocabulary size, then the final pieces sorted by score.
 */
public final class UnigramTrainer {

    /** SentencePiece's kExpectedFrequencyThreshold. */
    static final double MIN_EXPECTED_COUNT = 0.5;
    static final double MIN_SCORE_PENALTY_DELTA = 0.0001;
    private static final int SENTINEL = 0;

    private final UnigramTrainerConfig config;

    /** What happened, for logs and tests. */
    public record Report(int requiredCharacters, int seedPieces, int emRounds, int prunings, double lastObjective,
            int finalPieces) {
    }

    private Report report;

    public UnigramTrainer(UnigramTrainerConfig config) {
        this.config = config;
    }

    /** The report of the last {@link #train} call. */
    public Report report() {
        return report;
    }

    /** A piece and its score (a log probability). */
    record Piece(String text, double score) {
    }

    public UnigramModel train(WordCounts counts) {
        return train(counts, TrainerProgress.NONE);
    }

    /**
     * Trains, telling {@code progress} after each EM round how many of the rounds expected have run: the
     * sub-iterations of each pruning needed to shrink the seed pieces to 1.1 × vocabSize, plus the last.
     */
    public UnigramModel train(WordCounts counts, TrainerProgress progress) {
        return train(counts, null, progress);
    }

    /**
     * Trains with the seed pieces taken from whole sentences, as {@code spm_train} does: it extracts seeds before
     * it splits its sentences into words, so a substring's seed score counts its occurrences in the distinct
     * sentences, not in the distinct words (HF's port, and {@link #train(WordCounts, TrainerProgress)}, only have
     * the words). Seeds that SentencePiece would reject are skipped: those with '▁' after their first character,
     * other than runs of '▁' alone. EM and pruning still run on {@code counts}.
     *
     * @param seedSentences distinct sentences in the model alphabet ('▁' for each space); null seeds from words
     */
    public UnigramModel train(WordCounts counts, List<String> seedSentences, TrainerProgress progress) {
        String[] words = counts.asMap().keySet().toArray(String[]::new);
        long[] freqs = counts.asMap().values().stream().mapToLong(Long::longValue).toArray();

        Map<Integer, Long> charCounts = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            long f = freqs[i];
            words[i].codePoints().forEach(cp -> charCounts.merge(cp, f, Long::sum));
        }
        LinkedHashSet<Integer> required = requiredCharacters(charCounts);

        List<Piece> pieces = seedSentences == null ? seedPieces(words, charCounts, required, false)
                : seedPieces(seedSentences.toArray(String[]::new), charCounts, required, true);
        int seeds = pieces.size();
        Set<String> requiredStrings = new HashSet<>();
        for (int cp : required) {
            requiredStrings.add(Character.toString(cp));
        }

        int desired = (int) (config.vocabSize() * 1.1);
        int expectedPrunings = pieces.size() <= desired ? 0
                : (int) Math.ceil(Math.log((double) desired / pieces.size()) / Math.log(config.shrinkingFactor()));
        long expectedRounds = (long) (expectedPrunings + 1) * config.numSubIterations();
        int rounds = 0;
        int prunings = 0;
        double objective = Double.NaN;
        while (true) {
            for (int iter = 0; iter < config.numSubIterations(); iter++) {
                double[] expected = new double[pieces.size() + 1];
                objective = eStep(pieces, words, freqs, expected);
                pieces = mStep(pieces, expected, requiredStrings);
                rounds++;
                expectedRounds = Math.max(expectedRounds, rounds + 1);
                progress.progress(rounds, expectedRounds);
            }
            if (pieces.size() <= desired) {
                break;
            }
            int before = pieces.size();
            pieces = prune(pieces, words, freqs, requiredStrings, desired);
            prunings++;
            if (pieces.size() >= before) {
                break; // every piece is required or has no alternative: nothing more to prune
            }
        }
        UnigramModel model = finalizePieces(pieces, required, charCounts);
        progress.progress(rounds, rounds);
        report = new Report(required.size(), seeds, rounds, prunings, objective, model.vocabSize());
        return model;
    }

    /** The most frequent characters until they cover {@code characterCoverage}, plus the configured ones. */
    LinkedHashSet<Integer> requiredCharacters(Map<Integer, Long> charCounts) {
        List<Map.Entry<Integer, Long>> sorted = new ArrayList<>(charCounts.entrySet());
        sorted.sort(byCountThenKey());
        long total = sorted.stream().mapToLong(Map.Entry::getValue).sum();
        LinkedHashSet<Integer> required = new LinkedHashSet<>();
        long accumulated = 0;
        for (Map.Entry<Integer, Long> e : sorted) {
            if (config.characterCoverage() < 1.0 && (double) accumulated / total >= config.characterCoverage()) {
                break;
            }
            accumulated += e.getValue();
            required.add(e.getKey());
        }
        config.requiredCharacters().codePoints().forEach(required::add);
        return required;
    }

    private static Comparator<Map.Entry<Integer, Long>> byCountThenKey() {
        return (a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey())
                : Long.compare(b.getValue(), a.getValue());
    }

    /**
     * Required characters (score: their count) and then the repeated substrings of the concatenated words, by
     * occurrences x length, until {@code seedSize}; ties to the string that sorts first. Scores become log
     * probabilities.
     */
    List<Piece> seedPieces(String[] words, Map<Integer, Long> charCounts, Set<Integer> required) {
        return seedPieces(words, charCounts, required, false);
    }

    /** {@code spaceOnlyFirst}: skip substrings with '▁' after their first character unless all '▁'. */
    List<Piece> seedPieces(String[] words, Map<Integer, Long> charCounts, Set<Integer> required,
            boolean spaceOnlyFirst) {
        IntList text = new IntList(1 << 16);
        for (String w : words) {
            w.codePoints().forEach(text::add);
            text.add(SENTINEL);
        }
        int[] s = text.toArray();
        SuffixArray suffixes = new SuffixArray(s);
        List<long[]> candidates = new ArrayList<>(); // {score, start, depth}
        suffixes.forEachInterval((depth, left, count) -> {
            if (depth <= 1 || depth > config.maxPieceLength()) {
                return;
            }
            int start = suffixes.sa[left];
            boolean spaces = true;
            boolean innerSpace = false;
            for (int k = start; k < start + depth; k++) {
                if (s[k] == SENTINEL || !required.contains(s[k])) {
                    return;
                }
                spaces &= s[k] == WordCodec.SPACE;
                innerSpace |= k > start && s[k] == WordCodec.SPACE;
            }
            if (spaceOnlyFirst && innerSpace && !spaces) {
                return;
            }
            candidates.add(new long[] {(long) count * depth, start, depth});
        });
        List<Map.Entry<Integer, Long>> chars = new ArrayList<>();
        for (int cp : required) {
            chars.add(Map.entry(cp, charCounts.getOrDefault(cp, 0L)));
        }
        chars.sort(byCountThenKey());
        List<Piece> seeds = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : chars) {
            seeds.add(new Piece(Character.toString(e.getKey()), Math.max(1, e.getValue())));
        }
        List<Piece> substrings = new ArrayList<>(candidates.size());
        for (long[] c : candidates) {
            substrings.add(new Piece(new String(s, (int) c[1], (int) c[2]), c[0]));
        }
        substrings.sort(Comparator.comparingDouble((Piece p) -> -p.score()).thenComparing(Piece::text,
                UnigramTrainer::compareCodePoints));
        for (Piece p : substrings) {
            if (seeds.size() >= config.seedSize()) {
                break;
            }
            seeds.add(p);
        }
        double sum = 0;
        for (Piece p : seeds) {
            sum += p.score();
        }
        double logSum = Math.log(sum);
        List<Piece> logProbs = new ArrayList<>(seeds.size());
        for (Piece p : seeds) {
            logProbs.add(new Piece(p.text(), Math.log(p.score()) - logSum));
        }
        return logProbs;
    }

    static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** A lattice builder over the current pieces; unknown characters get id {@code pieces.size()}. */
    private static final class Current {
        final PieceTrie trie;
        final double[] scores;
        final int unkId;
        final double unkScore;

        Current(List<Piece> pieces) {
            List<String> texts = new ArrayList<>(pieces.size());
            scores = new double[pieces.size() + 1];
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < pieces.size(); i++) {
                texts.add(pieces.get(i).text());
                scores[i] = pieces.get(i).score();
                min = Math.min(min, scores[i]);
            }
            trie = new PieceTrie(texts);
            unkId = pieces.size();
            unkScore = min - UnigramModel.UNK_PENALTY;
            scores[unkId] = unkScore;
        }

        Lattice lattice(String text) {
            return new Lattice(text, trie, scores, unkId, unkScore);
        }
    }

    /**
     * Expected piece counts (into {@code expected}) by forward-backward over every word, in fixed contiguous
     * partitions summed in order. Returns the objective -sum(freq log Z) / sum(freq).
     */
    double eStep(List<Piece> pieces, String[] words, long[] freqs, double[] expected) {
        Current current = new Current(pieces);
        int parts = Math.max(1, Math.min(config.threads(), words.length));
        double[][] partial = new double[parts][];
        double[] partialObjective = new double[parts];
        IntStream.range(0, parts).parallel().forEach(p -> {
            double[] local = new double[expected.length];
            double obj = 0;
            int from = (int) ((long) words.length * p / parts);
            int to = (int) ((long) words.length * (p + 1) / parts);
            for (int i = from; i < to; i++) {
                Lattice lattice = current.lattice(words[i]);
                double z = lattice.populateMarginal(freqs[i], local);
                obj -= freqs[i] * z;
            }
            partial[p] = local;
            partialObjective[p] = obj;
        });
        double total = 0;
        for (long f : freqs) {
            total += f;
        }
        double objective = 0;
        for (int p = 0; p < parts; p++) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] += partial[p][i];
            }
            objective += partialObjective[p];
        }
        return objective / total;
    }

    /**
     * Drops pieces expected fewer than 0.5 times (required characters are kept, their count floored at 0.5 so the
     * score stays finite) and re-scores with digamma(c) - digamma(sum c), SentencePiece's sparse-prior update.
     */
    static List<Piece> mStep(List<Piece> pieces, double[] expected, Set<String> required) {
        List<Piece> kept = new ArrayList<>(pieces.size());
        double sum = 0;
        for (int i = 0; i < pieces.size(); i++) {
            double c = expected[i];
            boolean isRequired = required.contains(pieces.get(i).text());
            if (c < MIN_EXPECTED_COUNT) {
                if (!isRequired) {
                    continue;
                }
                c = MIN_EXPECTED_COUNT;
            }
            kept.add(new Piece(pieces.get(i).text(), c));
            sum += c;
        }
        double logSum = digamma(sum);
        List<Piece> rescored = new ArrayList<>(kept.size());
        for (Piece p : kept) {
            rescored.add(new Piece(p.text(), digamma(p.score()) - logSum));
        }
        return rescored;
    }

    /** Digamma: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6, then the asymptotic series. */
    static double digamma(double x) {
        double result = 0;
        while (x < 6) {
            result -= 1 / x;
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        result += Math.log(x) - 0.5 * inv
                - inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
        return result;
    }

    /** SentencePiece's {@code PruneSentencePieces}. */
    List<Piece> prune(List<Piece> pieces, String[] words, long[] freqs, Set<String> required, int desired) {
        Current current = new Current(pieces);
        int n = pieces.size();
        boolean[] alwaysKeep = new boolean[n];
        int[][] alternatives = new int[n][];
        for (int i = 0; i < n; i++) {
            Lattice lattice = current.lattice(pieces.get(i).text());
            int[][] nbest = lattice.nbest2();
            if (nbest.length < 2) {
                alwaysKeep[i] = true; // no second path
                alternatives[i] = new int[0];
            } else if (nbest[0].length >= 2) {
                alwaysKeep[i] = false; // its own best path already splits it: free to remove
                alternatives[i] = new int[0];
            } else {
                alwaysKeep[i] = true;
                alternatives[i] = Arrays.stream(nbest[1]).map(node -> lattice.ids[node]).toArray();
            }
        }
        // Viterbi over the corpus: piece frequencies and the words that use each piece (a word once per use).
        double[] freq = new double[n + 1];
        List<IntList> inverted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inverted.add(new IntList(2));
        }
        double vsum = 0;
        for (int w = 0; w < words.length; w++) {
            vsum += freqs[w];
            Lattice lattice = current.lattice(words[w]);
            int[] path = lattice.viterbi();
            if (path == null) {
                continue;
            }
            for (int node : path) {
                int id = lattice.ids[node];
                if (id < n) {
                    freq[id] += freqs[w];
                    inverted.get(id).add(w);
                }
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += freq[i];
        }
        double logSum = Math.log(sum);
        List<Piece> kept = new ArrayList<>();
        Set<Integer> keptIds = new HashSet<>();
        List<double[]> candidates = new ArrayList<>(); // {id, loss}
        for (int i = 0; i < n; i++) {
            boolean isRequired = required.contains(pieces.get(i).text());
            if (!isRequired && (freq[i] == 0 || !alwaysKeep[i])) {
                continue;
            }
            if (isRequired || alternatives[i].length == 0) {
                kept.add(pieces.get(i));
                keptIds.add(i);
                continue;
            }
            double f = 0;
            IntList uses = inverted.get(i);
            for (int k = 0; k < uses.size(); k++) {
                f += freqs[uses.get(k)];
            }
            f /= vsum;
            double logProbPiece = Math.log(freq[i]) - logSum;
            // P is the total piece count, as SentencePiece and HF write alternatives.size() (see the spec).
            double logSumAlt = Math.log(sum + freq[i] * (n - 1));
            double logProbAlt = 0;
            for (int alt : alternatives[i]) {
                logProbAlt += Math.log(freq[alt] + freq[i]) - logSumAlt;
            }
            candidates.add(new double[] {i, f * (logProbPiece - logProbAlt)});
        }
        int prunedSize = Math.max(desired, (int) (config.shrinkingFactor() * n));
        candidates.sort((a, b) -> a[1] != b[1] ? Double.compare(b[1], a[1]) : Double.compare(a[0], b[0]));
        for (double[] c : candidates) {
            if (kept.size() >= prunedSize) {
                break;
            }
            kept.add(pieces.get((int) c[0]));
            keptIds.add((int) c[0]);
        }
        // Keep the model order (the EM pieces' order) for what survives.
        List<Piece> out = new ArrayList<>(kept.size());
        for (int i = 0; i < n; i++) {
            if (keptIds.contains(i)) {
                out.add(pieces.get(i));
            }
        }
        return out;
    }

    /**
     * Special tokens (score 0), byte pieces with byte fallback (score 0), then required characters (a missing
     * one gets minScore + 0.0001 k, k its rank by count among the missing) and the best other pieces up to the
     * vocabulary size, sorted by score descending, ties by string.
     */
    UnigramModel finalizePieces(List<Piece> pieces, Set<Integer> required, Map<Integer, Long> charCounts) {
        List<String> fixed = new ArrayList<>();
        if (!config.specialTokens().contains(config.unkToken())) {
            fixed.add(config.unkToken());
        }
        fixed.addAll(config.specialTokens());
        if (config.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                fixed.add(UnigramModel.bytePiece(b));
            }
        }
        Set<String> fixedSet = new HashSet<>(fixed);
        int room = config.vocabSize() - fixed.size();
        if (required.size() > room) {
            throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "vocabSize " + config.vocabSize()
                    + " leaves " + room + " pieces after the fixed tokens, fewer than the " + required.size()
                    + " required characters; raise vocabSize or lower characterCoverage");
        }
        Map<String, Double> chosen = new HashMap<>();
        Map<String, Double> scoreOf = new HashMap<>();
        double minScore = Double.POSITIVE_INFINITY;
        for (Piece p : pieces) {
            scoreOf.put(p.text(), p.score());
            minScore = Math.min(minScore, p.score());
        }
        List<Map.Entry<Integer, Long>> requiredSorted = new ArrayList<>();
        for (int cp : required) {
            requiredSorted.add(Map.entry(cp, charCounts.getOrDefault(cp, 0L)));
        }
        requiredSorted.sort(byCountThenKey());
        double penalty = 0;
        for (Map.Entry<Integer, Long> e : requiredSorted) {
            String c = Character.toString(e.getKey());
            if (fixedSet.contains(c)) {
                continue;
            }
            Double score = scoreOf.get(c);
            if (score != null) {
                chosen.put(c, score);
            } else {
                chosen.put(c, minScore + penalty);
                penalty += MIN_SCORE_PENALTY_DELTA;
            }
        }
        List<Piece> byScore = new ArrayList<>(pieces);
        byScore.sort(Comparator.comparingDouble((Piece p) -> -p.score()).thenComparing(Piece::text,
                UnigramTrainer::compareCodePoints));
        for (Piece p : byScore) {
            if (chosen.size() >= room) {
                break;
            }
            if (!fixedSet.contains(p.text())) {
                chosen.putIfAbsent(p.text(), p.score());
            }
        }
        List<Piece> learned = new ArrayList<>();
        chosen.forEach((t, s) -> learned.add(new Piece(t, s)));
        learned.sort(Comparator.comparingDouble((Piece p) -> -p.score()).thenComparing(Piece::text,
                UnigramTrainer::compareCodePoints));
        List<String> vocab = new ArrayList<>(fixed);
        double[] scores = new double[fixed.size() + learned.size()];
        for (int i = 0; i < learned.size(); i++) {
            vocab.add(learned.get(i).text());
            scores[fixed.size() + i] = UnigramModel.roundScore(learned.get(i).score());
        }
        return new UnigramModel(vocab, scores, vocab.indexOf(config.unkToken()), config.byteFallback());
    }
}

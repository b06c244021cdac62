package dev.tessera.tokenizers.bpe;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.LongLongMap;
import dev.tessera.tokenizers.TrainerProgress;
import dev.tessera.tokenizers.WordCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Trains BPE merges as HF's {@code BpeTrainer} ({@code models/bpe/trainer.rs}) does, decision for decision, so
 * that the same word counts give the same merges:
 *
 * <ol>
 *   <li>ids: special tokens, then every character of the words and of the initial alphabet, by code point;</li>
 *   <li>pair counts and, per pair, the words that hold it;</li>
 *   <li>a max-heap of (count, pair, words), ties to the smaller pair; a popped entry whose count is stale is
 *       pushed back with the current count;</li>
 *   <li>each merge rewrites the words its heap entry lists, left to right without overlap, and the changed
 *       neighbour pairs (times the word's count) update the counts; pairs that gained are pushed again, with the
 *       words where they gained.</li>
 * </ol>
 *
 * HF's quirks are kept on purpose: merging does not subtract the merged pair's own occurrences, and an entry
 * only rewrites the words it lists. Counts are {@code long} where HF's are {@code i32}, so parity holds below
 * 2^31 occurrences.
 */
public final class BpeTrainer {

    private final BpeTrainerConfig config;

    public BpeTrainer(BpeTrainerConfig config) {
        this.config = config;
    }

    /** A heap entry: HF's {@code Merge {pair, count, pos}}. */
    private record Entry(long pair, long count, int[] words) {
    }

    /** The words of one merge's neighbour-pair changes, in word order. */
    private static final class Changes {
        final List<Long> pairs = new ArrayList<>();
        final IntList deltas = new IntList();
        final IntList words = new IntList();

        void add(long pair, int delta, int word) {
            pairs.add(pair);
            deltas.add(delta);
            words.add(word);
        }
    }

    public BpeModel train(WordCounts counts) {
        return train(counts, TrainerProgress.NONE);
    }

    /** Trains, telling {@code progress} after each merge how many of the at most vocabSize − alphabet are made. */
    public BpeModel train(WordCounts counts, TrainerProgress progress) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> vocab = new ArrayList<>();
        for (String special : config.specialTokens()) {
            if (!ids.containsKey(special)) {
                ids.put(special, vocab.size());
                vocab.add(special);
            }
        }
        // The alphabet: every character of every word plus the initial alphabet, sorted by code point.
        TreeSet<Integer> alphabet = new TreeSet<>();
        config.initialAlphabet().codePoints().forEach(alphabet::add);
        for (String word : counts.asMap().keySet()) {
            word.codePoints().forEach(alphabet::add);
        }
        for (int cp : alphabet) {
            String s = Character.toString(cp);
            if (!ids.containsKey(s)) {
                ids.put(s, vocab.size());
                vocab.add(s);
            }
        }

        int w = counts.size();
        int[][] symbols = new int[w][];
        int[][] lengths = new int[w][];
        int[] sizes = new int[w];
        long[] wordCount = new long[w];
        int index = 0;
        for (Map.Entry<String, Long> e : counts.asMap().entrySet()) {
            int[] s = e.getKey().codePoints().map(cp -> ids.get(Character.toString(cp))).toArray();
            symbols[index] = s;
            lengths[index] = new int[s.length];
            java.util.Arrays.fill(lengths[index], 1);
            sizes[index] = s.length;
            wordCount[index] = e.getValue();
            index++;
        }

        // Pair counts and where each pair occurs, in word order.
        LongLongMap pairCounts = new LongLongMap(1 << 16);
        Map<Long, IntList> where = new LinkedHashMap<>();
        for (int i = 0; i < w; i++) {
            for (int k = 0; k + 1 < sizes[i]; k++) {
                long pair = LongLongMap.pair(symbols[i][k], symbols[i][k + 1]);
                pairCounts.addTo(pair, wordCount[i]);
                addWord(where, pair, i);
            }
        }
        PriorityQueue<Entry> queue = new PriorityQueue<>(BpeTrainer::compare);
        drainInto(where, pairCounts, queue);

        long maxLength = config.maxTokenLength() == 0 ? Long.MAX_VALUE : config.maxTokenLength();
        int initialSize = ids.size();
        long mergesToMake = Math.max(0, config.vocabSize() - initialSize);
        long minFrequency = Math.max(1, config.minFrequency());
        List<long[]> merges = new ArrayList<>(); // {pair, newId}
        while (ids.size() < config.vocabSize() && !queue.isEmpty()) {
            Entry top = queue.poll();
            long current = pairCounts.get(top.pair(), 0);
            if (top.count() != current) {
                queue.add(new Entry(top.pair(), current, top.words()));
                continue;
            }
            if (top.count() < minFrequency) {
                break;
            }
            int a = LongLongMap.left(top.pair());
            int b = LongLongMap.right(top.pair());
            String merged = vocab.get(a) + vocab.get(b);
            Integer existing = ids.get(merged);
            int newId;
            if (existing != null) {
                newId = existing;
            } else {
                newId = vocab.size();
                ids.put(merged, newId);
                vocab.add(merged);
            }
            merges.add(new long[] {top.pair(), newId});

            Changes[] changes = rewrite(top.words(), a, b, newId, symbols, lengths, sizes, maxLength);
            for (Changes part : changes) {
                for (int k = 0; k < part.words.size(); k++) {
                    long pair = part.pairs.get(k);
                    int delta = part.deltas.get(k);
                    int word = part.words.get(k);
                    pairCounts.addTo(pair, delta * wordCount[word]);
                    if (delta > 0) {
                        addWord(where, pair, word);
                    }
                }
            }
            drainInto(where, pairCounts, queue);
            progress.progress(Math.min(mergesToMake, ids.size() - initialSize), mergesToMake);
        }
        progress.progress(mergesToMake, mergesToMake);

        // HF collects merges into a map: a pair merged twice keeps its later rank.
        Map<Long, Integer> lastRank = new HashMap<>();
        for (int r = 0; r < merges.size(); r++) {
            lastRank.put(merges.get(r)[0], r);
        }
        List<BpeModel.Merge> result = new ArrayList<>(merges.size());
        for (int r = 0; r < merges.size(); r++) {
            long pair = merges.get(r)[0];
            if (lastRank.get(pair) == r) {
                result.add(new BpeModel.Merge(vocab.get(LongLongMap.left(pair)), vocab.get(LongLongMap.right(pair))));
            }
        }
        return new BpeModel(vocab, result);
    }

    /** Max-heap order as a PriorityQueue (min-first) comparator: higher count first, then the smaller pair. */
    private static int compare(Entry x, Entry y) {
        if (x.count() != y.count()) {
            return Long.compare(y.count(), x.count());
        }
        return Long.compare(x.pair(), y.pair());
    }

    private static void addWord(Map<Long, IntList> where, long pair, int word) {
        IntList list = where.computeIfAbsent(pair, k -> new IntList(4));
        if (list.size() == 0 || list.get(list.size() - 1) != word) {
            list.add(word);
        }
    }

    private static void drainInto(Map<Long, IntList> where, LongLongMap pairCounts, PriorityQueue<Entry> queue) {
        for (Map.Entry<Long, IntList> e : where.entrySet()) {
            long count = pairCounts.get(e.getKey(), 0);
            if (count > 0) {
                queue.add(new Entry(e.getKey(), count, e.getValue().toArray()));
            }
        }
        where.clear();
    }

    /** Rewrites the listed words, in parallel chunks when there are many; chunks come back in word order. */
    private Changes[] rewrite(int[] words, int a, int b, int newId, int[][] symbols, int[][] lengths, int[] sizes,
            long maxLength) {
        int chunks = words.length < 4096 ? 1 : Math.min(config.threads() * 4, words.length / 1024);
        Changes[] out = new Changes[chunks];
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(c -> {
            Changes changes = new Changes();
            int from = (int) ((long) words.length * c / chunks);
            int to = (int) ((long) words.length * (c + 1) / chunks);
            for (int k = from; k < to; k++) {
                int word = words[k];
                sizes[word] = merge(symbols[word], lengths[word], sizes[word], a, b, newId, maxLength, word, changes);
            }
            out[c] = changes;
        });
        return out;
    }

    /**
     * HF's {@code Word::merge}: replaces (a, b) by {@code newId} left to right without overlap and records -1 for
     * each broken neighbour pair and +1 for each new one (only while the new token stays under the length limit).
     * Returns the new size.
     */
    static int merge(int[] s, int[] len, int n, int a, int b, int newId, long maxLength, int word, Changes changes) {
        int w = 0;
        int r = 0;
        while (r < n) {
            if (s[r] == a && r + 1 < n && s[r + 1] == b) {
                int mergedLen = len[r] + len[r + 1];
                if (w > 0) {
                    changes.add(LongLongMap.pair(s[w - 1], a), -1, word);
                    if (len[w - 1] + (long) mergedLen < maxLength) {
                        changes.add(LongLongMap.pair(s[w - 1], newId), 1, word);
                    }
                }
                if (r + 2 < n) {
                    changes.add(LongLongMap.pair(b, s[r + 2]), -1, word);
                    if (len[r + 2] + (long) mergedLen < maxLength) {
                        changes.add(LongLongMap.pair(newId, s[r + 2]), 1, word);
                    }
                }
                s[w] = newId;
                len[w] = mergedLen;
                w++;
                r += 2;
            } else {
                s[w] = s[r];
                len[w] = len[r];
                w++;
                r++;
            }
        }
        return w;
    }
}

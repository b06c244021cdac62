package dev.tessera.tokenizers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Word to count, the input of both trainers. Words are in the model's alphabet (byte characters for byte-level
 * BPE). Iteration is in the words' sorted order, so training never depends on hashing or thread scheduling.
 */
public final class WordCounts {

    private final Map<String, Long> counts;
    private final long total;

    private WordCounts(Map<String, Long> sorted) {
        this.counts = Collections.unmodifiableMap(sorted);
        long sum = 0;
        for (long c : sorted.values()) {
            if (c <= 0) {
                throw new TokenizerException(TokenizerException.Code.BAD_CONFIG, "word counts must be positive, got "
                        + c);
            }
            sum += c;
        }
        this.total = sum;
    }

    public static WordCounts of(Map<String, Long> counts) {
        return new WordCounts(new TreeMap<>(counts));
    }

    /**
     * Pre-tokenizes {@code documents} in parallel, maps each word through {@code codec} (the first word of each
     * document counts as a chunk start) and sums the counts. {@code threads} contiguous partitions are counted
     * into maps of their own, then summed.
     */
    public static WordCounts count(List<String> documents, PreTokenizer preTokenizer, WordCodec codec, int threads) {
        int parts = Math.max(1, Math.min(threads, documents.size()));
        List<Map<String, Long>> partial = IntStream.range(0, parts).parallel().mapToObj(p -> {
            Map<String, Long> local = new HashMap<>();
            int from = (int) ((long) documents.size() * p / parts);
            int to = (int) ((long) documents.size() * (p + 1) / parts);
            for (int d = from; d < to; d++) {
                List<String> words = preTokenizer.split(documents.get(d));
                for (int i = 0; i < words.size(); i++) {
                    local.merge(codec.toModel(words.get(i), i == 0), 1L, Long::sum);
                }
            }
            return local;
        }).toList();
        Map<String, Long> sum = new TreeMap<>();
        for (Map<String, Long> local : partial) {
            local.forEach((w, c) -> sum.merge(w, c, Long::sum));
        }
        return new WordCounts(sum);
    }

    /** Word to count, in sorted word order. */
    public Map<String, Long> asMap() {
        return counts;
    }

    public List<String> words() {
        return new ArrayList<>(counts.keySet());
    }

    public int size() {
        return counts.size();
    }

    /** Summed count of all words. */
    public long total() {
        return total;
    }
}

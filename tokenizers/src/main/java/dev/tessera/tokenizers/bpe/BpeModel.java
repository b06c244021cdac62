package dev.tessera.tokenizers.bpe;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.LongLongMap;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.TokenizerException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BPE model: a vocabulary and merges in rank order. A word is encoded as HF's {@code Word::merge_all} does:
 * start from its characters' ids and repeatedly merge the adjacent pair of lowest rank, leftmost on ties, with a
 * {@code (rank, position)} priority queue and lazy invalidation. Results of short words are kept in a bounded
 * cache (HF's defaults: 10,000 entries, words under 256 chars; once full nothing more is inserted).
 */
public final class BpeModel implements SubwordModel {

    /** One merge: the two parts, as token strings. */
    public record Merge(String left, String right) {
    }

    public static final int DEFAULT_CACHE_CAPACITY = 10_000;
    static final int CACHE_MAX_WORD_LENGTH = 256;

    private final String[] vocab;
    private final Map<String, Integer> ids;
    private final List<Merge> merges;
    /** pair -> (rank << 32) | new id. */
    private final LongLongMap ranks;
    private final int cacheCapacity;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
    private final AtomicInteger cacheSize = new AtomicInteger();

    public BpeModel(List<String> vocab, List<Merge> merges) {
        this(vocab, merges, DEFAULT_CACHE_CAPACITY);
    }

    /**
     * @param vocab  token strings by id, ids contiguous from 0
     * @param merges in rank order; each merged string must be in the vocabulary. A repeated pair keeps its last
     *               rank, as HF's map does.
     */
    public BpeModel(List<String> vocab, List<Merge> merges, int cacheCapacity) {
        this.vocab = vocab.toArray(String[]::new);
        this.ids = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < this.vocab.length; i++) {
            if (ids.putIfAbsent(this.vocab[i], i) != null) {
                throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                        "token " + this.vocab[i] + " appears twice in the vocabulary");
            }
        }
        this.merges = List.copyOf(merges);
        this.ranks = new LongLongMap(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            Merge m = merges.get(rank);
            int a = requireId(m.left(), rank);
            int b = requireId(m.right(), rank);
            int merged = requireId(m.left() + m.right(), rank);
            ranks.put(LongLongMap.pair(a, b), ((long) rank << 32) | merged);
        }
        this.cacheCapacity = cacheCapacity;
    }

    private int requireId(String token, int rank) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "merge " + rank + " uses " + token + ", which is not in the vocabulary");
        }
        return id;
    }

    /** A copy of this model with another cache capacity (0 turns the cache off, for benchmarks). */
    public BpeModel withCacheCapacity(int capacity) {
        return new BpeModel(List.of(vocab), merges, capacity);
    }

    public List<String> vocab() {
        return List.of(vocab);
    }

    public List<Merge> merges() {
        return merges;
    }

    @Override
    public int vocabSize() {
        return vocab.length;
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= vocab.length) {
            throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID,
                    "id " + id + " is outside the vocabulary of " + vocab.length);
        }
        return vocab[id];
    }

    @Override
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public void encodeWord(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        boolean cacheable = cacheCapacity > 0 && word.length() < CACHE_MAX_WORD_LENGTH;
        if (cacheable) {
            int[] hit = cache.get(word);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        int[] result = mergeAll(word);
        if (cacheable && cacheSize.get() < cacheCapacity && cache.putIfAbsent(word, result) == null) {
            cacheSize.incrementAndGet();
        }
        out.addAll(result);
    }

    /** HF's {@code merge_all}: symbols as a linked list over an array, merges from a min-heap of (rank, pos). */
    int[] mergeAll(String word) {
        int n = word.codePointCount(0, word.length());
        int[] c = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] removed = new boolean[n];
        int k = 0;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int len = Character.charCount(cp);
            Integer id = ids.get(word.substring(i, i + len));
            i += len;
            if (id == null) {
                // No unknown token in byte-level models: HF drops a character it cannot map.
                continue;
            }
            c[k] = id;
            prev[k] = k - 1;
            next[k] = k + 1;
            k++;
        }
        n = k;
        if (n == 0) {
            return new int[0];
        }
        next[n - 1] = -1;
        LongHeap queue = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = ranks.get(LongLongMap.pair(c[i], c[i + 1]), -1);
            if (m >= 0) {
                queue.push((m & 0xFFFFFFFF00000000L) | i);
            }
        }
        while (!queue.isEmpty()) {
            long top = queue.pop();
            int pos = (int) top;
            long rank = top >>> 32;
            if (removed[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            long m = ranks.get(LongLongMap.pair(c[pos], c[right]), -1);
            if (m < 0 || (m >>> 32) != rank) {
                continue; // stale: the pair at pos changed since this entry was queued
            }
            c[pos] = (int) m;
            removed[right] = true;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                long pm = ranks.get(LongLongMap.pair(c[prev[pos]], c[pos]), -1);
                if (pm >= 0) {
                    queue.push((pm & 0xFFFFFFFF00000000L) | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                long nm = ranks.get(LongLongMap.pair(c[pos], c[next[pos]]), -1);
                if (nm >= 0) {
                    queue.push((nm & 0xFFFFFFFF00000000L) | pos);
                }
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(c[i]);
        }
        return out.toArray();
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == heap.length) {
                heap = java.util.Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= v) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = v;
        }

        long pop() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}

package dev.tessera.tokenizers.unigram;

import java.util.Arrays;

/**
 * Suffix array by prefix doubling with radix sorts (O(n log n)), and Kasai's LCP array, over an {@code int[]} of
 * code points. No library we depend on has one.
 */
final class SuffixArray {

    /** One LCP interval: {@code count} suffixes starting at {@code sa[left..]} share their first {@code depth}. */
    interface Intervals {
        void interval(int depth, int left, int count);
    }

    final int[] text;
    final int[] sa;
    /** lcp[i] = longest common prefix of the suffixes sa[i - 1] and sa[i]; lcp[0] = 0. */
    final int[] lcp;

    SuffixArray(int[] text) {
        this.text = text;
        this.sa = build(text);
        this.lcp = kasai(text, sa);
    }

    static int[] build(int[] s) {
        int n = s.length;
        int[] sa = new int[n];
        if (n == 0) {
            return sa;
        }
        // Initial ranks: the code points, compacted to 0..k-1.
        int[] sorted = s.clone();
        Arrays.sort(sorted);
        int[] rank = new int[n];
        int distinct = 0;
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                values[distinct++] = sorted[i];
            }
        }
        for (int i = 0; i < n; i++) {
            rank[i] = Arrays.binarySearch(values, 0, distinct, s[i]);
        }
        int[] tmp = new int[n];
        int[] second = new int[n];
        int classes = distinct;
        for (int i = 0; i < n; i++) {
            sa[i] = i;
        }
        countingSortStable(sa.clone(), rank, classes, sa);
        for (int k = 1; ; k <<= 1) {
            // Order by (rank[i], rank[i + k]) with -1 past the end: radix by second key, then first.
            int p = 0;
            for (int i = n - k; i < n; i++) {
                second[p++] = i;
            }
            for (int i = 0; i < n; i++) {
                if (sa[i] >= k) {
                    second[p++] = sa[i] - k;
                }
            }
            countingSortStable(second, rank, classes, sa);
            tmp[sa[0]] = 0;
            classes = 1;
            for (int i = 1; i < n; i++) {
                int a = sa[i - 1];
                int b = sa[i];
                int ra = a + k < n ? rank[a + k] : -1;
                int rb = b + k < n ? rank[b + k] : -1;
                if (rank[a] != rank[b] || ra != rb) {
                    classes++;
                }
                tmp[b] = classes - 1;
            }
            System.arraycopy(tmp, 0, rank, 0, n);
            if (classes == n) {
                break;
            }
        }
        return sa;
    }

    /** Stable counting sort of {@code in} by {@code key[item]} into {@code out}. */
    private static void countingSortStable(int[] in, int[] key, int classes, int[] out) {
        int[] count = new int[classes + 1];
        for (int item : in) {
            count[key[item] + 1]++;
        }
        for (int i = 1; i <= classes; i++) {
            count[i] += count[i - 1];
        }
        for (int item : in) {
            out[count[key[item]]++] = item;
        }
    }

    static int[] kasai(int[] s, int[] sa) {
        int n = s.length;
        int[] rank = new int[n];
        for (int i = 0; i < n; i++) {
            rank[sa[i]] = i;
        }
        int[] lcp = new int[n];
        int h = 0;
        for (int i = 0; i < n; i++) {
            if (rank[i] > 0) {
                int j = sa[rank[i] - 1];
                while (i + h < n && j + h < n && s[i + h] == s[j + h]) {
                    h++;
                }
                lcp[rank[i]] = h;
                if (h > 0) {
                    h--;
                }
            } else {
                h = 0;
            }
        }
        return lcp;
    }

    /**
     * Every internal node of the suffix tree (a right-maximal repeat): its depth, the first suffix-array index and
     * the number of occurrences (at least 2), as esaxx enumerates them for SentencePiece.
     */
    void forEachInterval(Intervals out) {
        int n = sa.length;
        int[] stackDepth = new int[n + 1];
        int[] stackLeft = new int[n + 1];
        int top = 0;
        stackDepth[0] = 0;
        stackLeft[0] = 0;
        for (int i = 1; i <= n; i++) {
            int h = i < n ? lcp[i] : 0;
            int left = i - 1;
            while (h < stackDepth[top]) {
                left = stackLeft[top];
                out.interval(stackDepth[top], left, i - left);
                top--;
            }
            if (h > stackDepth[top]) {
                top++;
                stackDepth[top] = h;
                stackLeft[top] = left;
            }
        }
    }
}

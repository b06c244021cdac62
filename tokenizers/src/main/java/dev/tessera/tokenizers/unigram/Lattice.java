package dev.tessera.tokenizers.unigram;

import java.util.Arrays;
import java.util.Random;

/**
 * The segmentation lattice of one word over its UTF-16 positions: a node per piece occurrence, plus an unknown
 * node for each character that no single-character piece covers (HF's {@code populate_nodes}). Used for
 * forward-backward (training), n-best (pruning) and sampling.
 */
final class Lattice {

    final String text;
    final int length;
    int size;
    int[] ids = new int[16];
    int[] starts = new int[16];
    int[] ends = new int[16];
    double[] scores = new double[16];
    /** Nodes ending at each position, in insertion order (the order HF sums and samples in). */
    int[][] endNodes;
    int[] endCounts;
    int[][] beginNodes;
    int[] beginCounts;

    Lattice(String text, PieceTrie trie, double[] pieceScores, int unkId, double unkScore) {
        this.text = text;
        this.length = text.length();
        endNodes = new int[length + 1][];
        endCounts = new int[length + 1];
        beginNodes = new int[length + 1][];
        beginCounts = new int[length + 1];
        int pos = 0;
        while (pos < length) {
            int charLen = Character.charCount(text.codePointAt(pos));
            final int start = pos;
            final boolean[] single = {false};
            trie.commonPrefixSearch(text, start, length, (id, end) -> {
                add(id, start, end, pieceScores[id]);
                if (end - start == charLen) {
                    single[0] = true;
                }
            });
            if (!single[0]) {
                add(unkId, start, start + charLen, unkScore);
            }
            pos += charLen;
        }
    }

    private void add(int id, int start, int end, double score) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            scores = Arrays.copyOf(scores, n);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        scores[size] = score;
        endNodes[end] = push(endNodes[end], endCounts[end]++, size);
        beginNodes[start] = push(beginNodes[start], beginCounts[start]++, size);
        size++;
    }

    private static int[] push(int[] list, int count, int node) {
        if (list == null) {
            list = new int[4];
        } else if (count == list.length) {
            list = Arrays.copyOf(list, count * 2);
        }
        list[count] = node;
        return list;
    }

    static double logSumExp(double x, double y, boolean init) {
        if (init) {
            return y;
        }
        double vmin = Math.min(x, y);
        double vmax = Math.max(x, y);
        if (vmax > vmin + 50.0) {
            return vmax;
        }
        return vmax + Math.log(Math.exp(vmin - vmax) + 1.0);
    }

    /**
     * Forward-backward: adds {@code freq * P(node)} to {@code expected[id]} for every node and returns log Z.
     * Positions without a path (cannot happen: every character has a node) would give -infinity.
     */
    double populateMarginal(double freq, double[] expected) {
        double[] alpha = new double[size];
        double[] beta = new double[size];
        // alpha[node]: log-sum of the paths from the start to the node's start.
        for (int pos = 0; pos <= length; pos++) {
            for (int b = 0; b < beginCounts[pos]; b++) {
                int r = beginNodes[pos][b];
                for (int e = 0; e < endCounts[pos]; e++) {
                    int l = endNodes[pos][e];
                    alpha[r] = logSumExp(alpha[r], scores[l] + alpha[l], e == 0);
                }
            }
        }
        for (int pos = length; pos >= 0; pos--) {
            for (int e = 0; e < endCounts[pos]; e++) {
                int l = endNodes[pos][e];
                for (int b = 0; b < beginCounts[pos]; b++) {
                    int r = beginNodes[pos][b];
                    beta[l] = logSumExp(beta[l], scores[r] + beta[r], b == 0);
                }
            }
        }
        // Z: sum over the nodes that end the word.
        double z = 0;
        for (int e = 0; e < endCounts[length]; e++) {
            int l = endNodes[length][e];
            z = logSumExp(z, scores[l] + alpha[l], e == 0);
        }
        for (int i = 0; i < size; i++) {
            expected[ids[i]] += freq * Math.exp(alpha[i] + scores[i] + beta[i] - z);
        }
        return z;
    }

    /** Viterbi: node indices of the best path (ties keep the first candidate), or null when there is none. */
    int[] viterbi() {
        double[] best = new double[length + 1];
        int[] back = new int[length + 1];
        Arrays.fill(back, -1);
        for (int pos = 0; pos < length; pos++) {
            if (pos > 0 && back[pos] < 0) {
                continue;
            }
            for (int b = 0; b < beginCounts[pos]; b++) {
                int node = beginNodes[pos][b];
                double score = best[pos] + scores[node];
                int end = ends[node];
                if (back[end] < 0 || score > best[end]) {
                    best[end] = score;
                    back[end] = node;
                }
            }
        }
        if (length > 0 && back[length] < 0) {
            return null;
        }
        int count = 0;
        for (int pos = length; pos > 0; pos = starts[back[pos]]) {
            count++;
        }
        int[] path = new int[count];
        for (int pos = length; pos > 0; pos = starts[back[pos]]) {
            path[--count] = back[pos];
        }
        return path;
    }

    /**
     * The two best paths (SentencePiece's NBest with n = 2, by exact enumeration of the best path into each
     * position and the best path differing from it); {@code [best]} when there is only one path, {@code []} when
     * none.
     */
    int[][] nbest2() {
        // best1/best2 per position: score and back-pointer (node, which rank at its start).
        double[] s1 = new double[length + 1];
        double[] s2 = new double[length + 1];
        int[] n1 = new int[length + 1];
        int[] n2 = new int[length + 1];
        int[] r1 = new int[length + 1];
        int[] r2 = new int[length + 1];
        boolean[] has1 = new boolean[length + 1];
        boolean[] has2 = new boolean[length + 1];
        has1[0] = true;
        for (int pos = 0; pos < length; pos++) {
            for (int rank = 0; rank < 2; rank++) {
                boolean has = rank == 0 ? has1[pos] : has2[pos];
                if (!has) {
                    continue;
                }
                double base = rank == 0 ? s1[pos] : s2[pos];
                for (int b = 0; b < beginCounts[pos]; b++) {
                    int node = beginNodes[pos][b];
                    int end = ends[node];
                    double score = base + scores[node];
                    if (!has1[end] || score > s1[end]) {
                        if (has1[end]) {
                            s2[end] = s1[end];
                            n2[end] = n1[end];
                            r2[end] = r1[end];
                            has2[end] = true;
                        }
                        s1[end] = score;
                        n1[end] = node;
                        r1[end] = rank;
                        has1[end] = true;
                    } else if (!has2[end] || score > s2[end]) {
                        s2[end] = score;
                        n2[end] = node;
                        r2[end] = rank;
                        has2[end] = true;
                    }
                }
            }
        }
        if (!has1[length]) {
            return new int[0][];
        }
        int[] first = trace(length, 0, n1, n2, r1, r2);
        if (!has2[length]) {
            return new int[][] {first};
        }
        return new int[][] {first, trace(length, 1, n1, n2, r1, r2)};
    }

    private int[] trace(int pos, int rank, int[] n1, int[] n2, int[] r1, int[] r2) {
        int[] path = new int[length];
        int count = 0;
        while (pos > 0) {
            int node = rank == 0 ? n1[pos] : n2[pos];
            int prevRank = rank == 0 ? r1[pos] : r2[pos];
            path[count++] = node;
            pos = starts[node];
            rank = prevRank;
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = path[count - 1 - i];
        }
        return out;
    }

    /**
     * Samples a segmentation with probability proportional to exp(theta * score) (HF's {@code Lattice::sample}):
     * forward filtering, then backward sampling.
     */
    int[] sample(double theta, Random rnd) {
        if (length == 0) {
            return new int[0];
        }
        double[] alpha = new double[size];
        for (int pos = 0; pos <= length; pos++) {
            for (int b = 0; b < beginCounts[pos]; b++) {
                int r = beginNodes[pos][b];
                for (int e = 0; e < endCounts[pos]; e++) {
                    int l = endNodes[pos][e];
                    alpha[r] = logSumExp(alpha[r], theta * scores[l] + alpha[l], e == 0);
                }
            }
        }
        double z = 0;
        for (int e = 0; e < endCounts[length]; e++) {
            int l = endNodes[length][e];
            z = logSumExp(z, theta * scores[l] + alpha[l], e == 0);
        }
        int[] path = new int[length];
        int count = 0;
        int pos = length;
        double[] probs = new double[8];
        while (pos > 0) {
            int k = endCounts[pos];
            if (probs.length < k) {
                probs = new double[k];
            }
            double total = 0;
            for (int e = 0; e < k; e++) {
                int l = endNodes[pos][e];
                probs[e] = Math.exp(alpha[l] + theta * scores[l] - z);
                total += probs[e];
            }
            double u = rnd.nextDouble() * total;
            int pick = k - 1;
            for (int e = 0; e < k; e++) {
                u -= probs[e];
                if (u < 0) {
                    pick = e;
                    break;
                }
            }
            int node = endNodes[pos][pick];
            path[count++] = node;
            z = alpha[node];
            pos = starts[node];
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = path[count - 1 - i];
        }
        return out;
    }
}

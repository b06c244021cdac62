package dev.tessera.tokenizers.unigram;

import dev.tessera.tokenizers.LongLongMap;
import java.util.List;

/**
 * A trie over the UTF-16 units of the pieces; a common-prefix search yields the pieces that start a text at a
 * position, shortest first, as HF's byte trie does (the order decides Viterbi ties). Immutable once built.
 */
final class PieceTrie {

    /** (node << 32 | char) -> child node. */
    private final LongLongMap children;
    /** Piece id ending at each node, or -1. */
    private final int[] pieceAt;

    /** A later duplicate of a piece wins its id, as in HF's token map. */
    PieceTrie(List<String> pieces) {
        int totalChars = 1;
        for (String p : pieces) {
            totalChars += p.length();
        }
        LongLongMap map = new LongLongMap(totalChars);
        int[] ends = new int[totalChars];
        java.util.Arrays.fill(ends, -1);
        int nodes = 1;
        for (int id = 0; id < pieces.size(); id++) {
            String p = pieces.get(id);
            if (p.isEmpty()) {
                continue;
            }
            int node = 0;
            for (int i = 0; i < p.length(); i++) {
                long key = ((long) node << 32) | p.charAt(i);
                long child = map.get(key, -1);
                if (child < 0) {
                    child = nodes++;
                    map.put(key, child);
                }
                node = (int) child;
            }
            ends[node] = id;
        }
        this.children = map;
        this.pieceAt = java.util.Arrays.copyOf(ends, nodes);
    }

    /** Receives (piece id, end) for every piece that {@code text} has at {@code from}, shortest first. */
    interface Hits {
        void hit(int id, int end);
    }

    void commonPrefixSearch(CharSequence text, int from, int to, Hits hits) {
        int node = 0;
        for (int i = from; i < to; i++) {
            long child = children.get(((long) node << 32) | text.charAt(i), -1);
            if (child < 0) {
                return;
            }
            node = (int) child;
            if (pieceAt[node] >= 0) {
                hits.hit(pieceAt[node], i + 1);
            }
        }
    }
}

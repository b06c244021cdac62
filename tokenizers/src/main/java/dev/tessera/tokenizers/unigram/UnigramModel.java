package dev.tessera.tokenizers.unigram;

import dev.tessera.tokenizers.IntList;
import dev.tessera.tokenizers.SubwordModel;
import dev.tessera.tokenizers.TokenizerException;
import dev.tessera.tokenizers.Utf8;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Unigram language model over pieces (SentencePiece, as HF ports it). Encoding is HF's
 * {@code encode_optimized}: Viterbi with {@code double} scores, start positions left to right, candidate pieces
 * shortest first, a node's best path replaced only on a strictly greater score. A character without a
 * single-character piece is {@code <unk>} with score {@code minScore - 10}; consecutive unknowns fuse into one,
 * and with byte fallback an unknown span becomes its UTF-8 bytes as {@code <0xXX>} pieces.
 */
public final class UnigramModel implements SubwordModel {

    static final double UNK_PENALTY = 10.0;

    private final String[] pieces;
    private final double[] scores;
    private final Map<String, Integer> ids;
    private final PieceTrie trie;
    private final int unkId;
    private final boolean byteFallback;
    private final double minScore;
    /** Id of {@code <0xXX>} for each byte, when present. */
    private final int[] byteIds = new int[256];
    /** Byte value of each id, or -1. */
    private final int[] byteOfId;

    /**
     * @param unkId -1 when the model has no unknown piece (then an unknown character is an error)
     */
    public UnigramModel(List<String> pieces, double[] scores, int unkId, boolean byteFallback) {
        if (pieces.isEmpty() || pieces.size() != scores.length) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "a Unigram model needs one score per piece and at least one piece, got " + pieces.size()
                            + " pieces and " + scores.length + " scores");
        }
        if (unkId >= pieces.size()) {
            throw new TokenizerException(TokenizerException.Code.BAD_FILE,
                    "unk_id " + unkId + " is outside the vocabulary of " + pieces.size());
        }
        this.pieces = pieces.toArray(String[]::new);
        this.scores = scores.clone();
        this.ids = new HashMap<>(pieces.size() * 2);
        double min = Double.POSITIVE_INFINITY;
        Arrays.fill(byteIds, -1);
        byteOfId = new int[pieces.size()];
        Arrays.fill(byteOfId, -1);
        for (int i = 0; i < this.pieces.length; i++) {
            ids.put(this.pieces[i], i);
            min = Math.min(min, scores[i]);
        }
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(bytePiece(b));
            if (id != null) {
                byteIds[b] = id;
                if (byteFallback) {
                    byteOfId[id] = b;
                }
            }
        }
        this.minScore = min;
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        this.trie = new PieceTrie(pieces);
    }

    /** Significant digits of a score in tokenizer.json. */
    public static final int SCORE_DIGITS = 15;
    private static final java.math.MathContext SCORE_CONTEXT = new java.math.MathContext(SCORE_DIGITS);

    /**
     * A score as tokenizer.json holds it: at most 15 significant digits. HF parses JSON with serde_json's
     * default, which turns the digits into an f64 before scaling, so 16-17 digit scores can land one ulp away
     * from Java's exact parse and flip a Viterbi tie; with at most 15 digits both parses are exact roundings of
     * the same decimal. Trained scores are rounded to these values, so our model and HF's are the same.
     */
    public static java.math.BigDecimal jsonScore(double score) {
        return new java.math.BigDecimal(score).round(SCORE_CONTEXT).stripTrailingZeros();
    }

    /** {@code score} rounded to the double that {@link #jsonScore} writes. */
    public static double roundScore(double score) {
        return jsonScore(score).doubleValue();
    }

    /** The byte-fallback piece of byte {@code b}: {@code <0x41>}. */
    public static String bytePiece(int b) {
        return String.format("<0x%02X>", b & 0xFF);
    }

    public double score(int id) {
        return scores[id];
    }

    public int unkId() {
        return unkId;
    }

    public boolean byteFallback() {
        return byteFallback;
    }

    public double minScore() {
        return minScore;
    }

    public List<String> pieces() {
        return List.of(pieces);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new TokenizerException(TokenizerException.Code.UNKNOWN_ID,
                    "id " + id + " is outside the vocabulary of " + pieces.length);
        }
        return pieces[id];
    }

    @Override
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public int byteValue(int id) {
        return id >= 0 && id < byteOfId.length ? byteOfId[id] : -1;
    }

    @Override
    public void encodeWord(String word, IntList out) {
        int size = word.length();
        if (size == 0) {
            return;
        }
        double unkScore = minScore - UNK_PENALTY;
        double[] best = new double[size + 1];
        int[] from = new int[size + 1];
        int[] node = new int[size + 1];
        Arrays.fill(from, -1);
        int start = 0;
        while (start < size) {
            final double base = best[start];
            final int s = start;
            int charLen = Character.charCount(word.codePointAt(start));
            final boolean[] single = {false};
            trie.commonPrefixSearch(word, start, size, (id, end) -> {
                double candidate = scores[id] + base;
                if (from[end] < 0 || candidate > best[end]) {
                    best[end] = candidate;
                    from[end] = s;
                    node[end] = id;
                }
                if (end - s == charLen) {
                    single[0] = true;
                }
            });
            if (!single[0]) {
                int end = start + charLen;
                double candidate = unkScore + base;
                if (from[end] < 0 || candidate > best[end]) {
                    if (unkId < 0) {
                        throw new TokenizerException(TokenizerException.Code.BAD_CONFIG,
                                "character U+" + Integer.toHexString(word.codePointAt(start)).toUpperCase()
                                        + " is not in the vocabulary and the model has no unk piece");
                    }
                    best[end] = candidate;
                    from[end] = s;
                    node[end] = unkId;
                }
            }
            start += charLen;
        }
        // Backtrack, fusing consecutive unknown nodes into one span.
        int[] spanStart = new int[size];
        int[] spanEnd = new int[size];
        int[] spanId = new int[size];
        int count = 0;
        int end = size;
        while (end > 0) {
            int s = from[end];
            if (node[end] == unkId && count > 0 && spanId[count - 1] == unkId && spanStart[count - 1] == end) {
                spanStart[count - 1] = s;
            } else {
                spanStart[count] = s;
                spanEnd[count] = end;
                spanId[count] = node[end];
                count++;
            }
            end = s;
        }
        for (int k = count - 1; k >= 0; k--) {
            String piece = word.substring(spanStart[k], spanEnd[k]);
            Integer id = ids.get(piece);
            if (id != null) {
                out.add(id);
            } else if (byteFallback && allBytesPresent(piece)) {
                for (byte b : Utf8.encode(piece)) {
                    out.add(byteIds[b & 0xFF]);
                }
            } else {
                out.add(unkId);
            }
        }
    }

    private boolean allBytesPresent(String piece) {
        for (byte b : Utf8.encode(piece)) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Samples a segmentation of {@code word} with probability proportional to exp(theta * score) (subword
     * regularization); unknown characters stay single {@code <unk>} pieces.
     */
    @Override
    public void sampleWord(String word, double theta, Random rnd, IntList out) {
        Lattice lattice = lattice(word);
        for (int n : lattice.sample(theta, rnd)) {
            out.add(lattice.ids[n]);
        }
    }

    Lattice lattice(String word) {
        return new Lattice(word, trie, scores, Math.max(unkId, 0), minScore - UNK_PENALTY);
    }

    PieceTrie trie() {
        return trie;
    }

    double[] scores() {
        return scores;
    }
}

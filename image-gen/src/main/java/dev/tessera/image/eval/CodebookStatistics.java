package dev.tessera.image.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How a K-bit LFQ tokenizer uses its 2^K codes on a set of M tokens (specs/image.md 1.5 and 6), each
 * figure next to the ceiling it should be read against:
 *
 * @param bits K
 * @param tokens M, tokens counted
 * @param distinct codes that occur at least once
 * @param usage {@code distinct / 2^K}
 * @param uniformCoverage {@code 1 - exp(-M / 2^K)}: the usage M uniformly random tokens would reach
 *     (77% for M = 24,256 held-out tokens at K = 14)
 * @param entropyBits entropy of the code histogram, bits
 * @param perplexity {@code exp(H)} of the histogram (H in nats)
 * @param perplexityCeiling {@code min(M, 2^K)}
 * @param bitMeans mean of {@code q_k in {-1, +1}} over the tokens, per bit; 0 is a balanced bit
 * @param maxBitBias {@code max_k |bitMeans[k]|}; above {@link #BIAS_ALERT} a bit is nearly constant
 */
public record CodebookStatistics(int bits, long tokens, int distinct, double usage, double uniformCoverage,
                                 double entropyBits, double perplexity, double perplexityCeiling, double[] bitMeans,
                                 double maxBitBias) {

    /** A bit whose mean code value exceeds this in magnitude is reported as collapsed (spec section 6). */
    public static final double BIAS_ALERT = 0.9;

    /**
     * Statistics of token indices in {@code [0, 2^bits)}.
     *
     * @throws IllegalArgumentException when a token lies outside the codebook or there are none
     */
    public static CodebookStatistics of(long[] tokens, int bits) {
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("bits must be in 1..24, got " + bits);
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("codebook statistics need at least one token");
        }
        int codes = 1 << bits;
        int[] histogram = new int[codes];
        long[] ones = new long[bits];
        for (long t : tokens) {
            if (t < 0 || t >= codes) {
                throw new IllegalArgumentException("token " + t + " is outside [0, " + codes + ")");
            }
            histogram[(int) t]++;
            for (int k = 0; k < bits; k++) {
                ones[k] += (t >>> k) & 1L;
            }
        }
        long m = tokens.length;
        int distinct = 0;
        double entropy = 0; // nats
        for (int h : histogram) {
            if (h > 0) {
                distinct++;
                double p = (double) h / m;
                entropy -= p * Math.log(p);
            }
        }
        double[] bitMeans = new double[bits];
        double maxBias = 0;
        for (int k = 0; k < bits; k++) {
            bitMeans[k] = (2.0 * ones[k] - m) / m; // mean of +1 (bit set) and -1 (bit clear)
            maxBias = Math.max(maxBias, Math.abs(bitMeans[k]));
        }
        return new CodebookStatistics(bits, m, distinct, (double) distinct / codes, 1 - Math.exp(-(double) m / codes),
                entropy / Math.log(2), Math.exp(entropy), Math.min((double) m, codes), bitMeans, maxBias);
    }

    /** Whether some bit is nearly constant ({@code |mean q_k| > 0.9}): a sign of collapse. */
    public boolean collapseAlert() {
        return maxBitBias > BIAS_ALERT;
    }

    public JsonObject toJson() {
        JsonArray means = new JsonArray();
        for (double v : bitMeans) {
            means.add(v);
        }
        return new JsonObject().put("bits", bits).put("tokens", tokens).put("distinct", distinct).put("usage", usage)
                .put("uniformCoverage", uniformCoverage).put("entropyBits", entropyBits).put("perplexity", perplexity)
                .put("perplexityCeiling", perplexityCeiling).put("bitMeans", means).put("maxBitBias", maxBitBias)
                .put("collapseAlert", collapseAlert());
    }
}

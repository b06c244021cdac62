package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Asymmetric token factorization (specs/image.md 2.1): a K-bit token index is read as a pair of
 * sub-tokens, {@code pre} = its low {@code preBits} bits (the first LFQ channels) and {@code post} = the
 * remaining high bits: {@code index = pre + 2^preBits * post}. K = 14 splits 6 + 8 (64 and 256 values),
 * K = 18 splits 6 + 12 (64 and 4,096) as in Open-MAGVIT2. The tokenizer never sees the split.
 *
 * @param preBits bits of the first sub-token
 * @param postBits bits of the second sub-token
 */
public record SubTokenSplit(int preBits, int postBits) {

    public SubTokenSplit {
        if (preBits < 1 || postBits < 1 || preBits + postBits > 18) {
            throw new IllegalArgumentException("a split needs at least one bit per sub-token and at most 18 in all, got "
                    + preBits + " + " + postBits);
        }
    }

    /** The spec's split of K bits: 6 bits first, the rest second (K = 14: 6 + 8, K = 18: 6 + 12). */
    public static SubTokenSplit forBits(int bits) {
        if (bits < 7) {
            throw new IllegalArgumentException("the 6 + (K - 6) split needs K >= 7, got " + bits
                    + "; give the split explicitly for smaller codebooks");
        }
        return new SubTokenSplit(6, bits - 6);
    }

    public int bits() {
        return preBits + postBits;
    }

    /** Values a pre sub-token takes: {@code 2^preBits}. */
    public int preSize() {
        return 1 << preBits;
    }

    /** Values a post sub-token takes: {@code 2^postBits}. */
    public int postSize() {
        return 1 << postBits;
    }

    public long pre(long index) {
        return index & (preSize() - 1);
    }

    public long post(long index) {
        return index >>> preBits;
    }

    public long merge(long pre, long post) {
        return pre + ((long) post << preBits);
    }

    /** {@code (...)} int64 indices to their pre sub-tokens, int64. */
    public NDArray pre(NDArray indices) {
        return indices.mod(preSize());
    }

    /** {@code (...)} int64 indices to their post sub-tokens, int64. */
    public NDArray post(NDArray indices) {
        // Integer division through float32: exact for indices below 2^24 (K <= 18 here).
        return indices.sub(pre(indices)).toType(DataType.FLOAT32, false).div(preSize()).toType(DataType.INT64, false);
    }

    /** Pre and post sub-tokens (int64, same shape) back to token indices. */
    public NDArray merge(NDArray pre, NDArray post) {
        return pre.add(post.mul(preSize()));
    }
}

package dev.tessera.image.lfq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.tessera.core.nn.Scalars;
import dev.tessera.image.lfq.LookupFreeQuantizerConfig.CodebookEntropy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lookup-free quantization (MAGVIT-v2; specs/image.md 1.2). No learned codebook: each of the K channels
 * of the encoder output is quantized to its sign, the code {@code q in {-1,+1}^K} is the token and its
 * index is the binary number of its bits (channel 0 the least significant).
 *
 * <p>Losses, each returned by name in {@link Quantized#terms()}:
 * <ul>
 *   <li>{@code commitment}: {@code mean (z - sg(q))^2};</li>
 *   <li>{@code sampleEntropy}: {@code H_sample = mean_n H(p_n)}, where
 *       {@code p_n(c) = softmax_c(sum_i 2 z_{n,i} c_i / tau)}. The logit is a sum over bits, so p_n is a
 *       product of Bernoullis with logits {@code a = 4 z / tau} and the entropy is exact at O(K):
 *       {@code sum_i softplus(-|a|) + |a| sigmoid(-|a|)} (the stable form of
 *       {@code softplus(a) - a sigmoid(a)});</li>
 *   <li>{@code codebookEntropy}: {@code H_codebook = H(mean_n p_n)} with the reference's 1e-5 inside the
 *       log. A batch mean of product distributions is a mixture and does not factorize: computed exactly
 *       over all 2^K codes in chunks, or as a sum over groups of bits (see the config);</li>
 *   <li>{@code entropyPenalty}: {@code H_sample - H_codebook};</li>
 *   <li>{@code loss}: {@code commitmentWeight x commitment + entropyWeight x entropyPenalty}.</li>
 * </ul>
 *
 * <p>Positions n run over every (batch, row, column): N = B x H x W.
 */
public final class LookupFreeQuantizer {

    /** Added to the mean probabilities inside the log of {@code H_codebook}, as in the reference. */
    public static final float CODEBOOK_EPS = 1e-5f;

    private final LookupFreeQuantizerConfig config;

    public LookupFreeQuantizer(LookupFreeQuantizerConfig config) {
        this.config = config;
    }

    public LookupFreeQuantizerConfig config() {
        return config;
    }

    public int bits() {
        return config.bits();
    }

    /**
     * The result of quantizing one batch.
     *
     * @param codes {@code (B, K, H, W)} straight-through codes: values of q, gradient of z
     * @param indices {@code (B, H, W)} int64 token indices in {@code [0, 2^K)}
     * @param commitment scalar, or null when losses were not asked for
     * @param sampleEntropy scalar (nats), or null
     * @param codebookEntropy scalar (nats), or null
     * @param entropyPenalty scalar, {@code sampleEntropy - codebookEntropy}, or null
     * @param loss scalar, the weighted sum, or null
     */
    public record Quantized(NDArray codes, NDArray indices, NDArray commitment, NDArray sampleEntropy,
                            NDArray codebookEntropy, NDArray entropyPenalty, NDArray loss) {

        /** The loss terms by name, in a fixed order; empty when losses were not asked for. */
        public Map<String, NDArray> terms() {
            if (loss == null) {
                return Collections.emptyMap();
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            out.put("commitment", commitment);
            out.put("sampleEntropy", sampleEntropy);
            out.put("codebookEntropy", codebookEntropy);
            out.put("entropyPenalty", entropyPenalty);
            out.put("loss", loss);
            return out;
        }
    }

    /**
     * Quantizes encoder outputs.
     *
     * @param z {@code (B, K, H, W)} float32
     * @param withLosses compute the loss terms (training and evaluation); inference only needs the codes
     */
    public Quantized quantize(NDArray z, boolean withLosses) {
        Shape s = z.getShape();
        if (s.dimension() != 4 || s.get(1) != bits()) {
            throw new IllegalArgumentException("LFQ with " + bits() + " bits expects z of shape (B, " + bits()
                    + ", H, W), got " + s);
        }
        NDArray q = signs(z);                                      // (B, K, H, W), no gradient
        NDArray codes = z.add(q.sub(z).stopGradient());           // straight-through
        NDArray indices = codesToIndices(q.transpose(0, 2, 3, 1)); // (B, H, W)
        if (!withLosses) {
            return new Quantized(codes, indices, null, null, null, null, null);
        }
        NDArray commitment = z.sub(q).square().mean();
        long n = s.get(0) * s.get(2) * s.get(3);
        // (N, K) bit logits; Scalars keeps the factor alive for the backward pass (a GC could free it otherwise).
        NDArray a = Scalars.times(z.transpose(0, 2, 3, 1).reshape(n, bits()), 4f / config.temperature());
        NDArray sampleEntropy = sampleEntropy(a);
        NDArray codebookEntropy = codebookEntropy(a);
        NDArray penalty = sampleEntropy.sub(codebookEntropy);
        NDArray loss = Scalars.times(commitment, config.commitmentWeight())
                .add(Scalars.times(penalty, config.entropyWeight()));
        return new Quantized(codes, indices, commitment, sampleEntropy, codebookEntropy, penalty, loss);
    }

    /** {@code ln min(N, 2^K)}: the most {@code H_codebook} can reach with N sharp positions (nats). */
    public double codebookEntropyBound(long positions) {
        return Math.log(Math.min((double) positions, Math.pow(2, bits())));
    }

    /** {@code H_sample}: mean over positions of the exact entropy of each position's code distribution. */
    static NDArray sampleEntropy(NDArray a) {
        NDArray abs = a.abs();
        NDArray neg = abs.neg();
        // Bernoulli entropy with logit a: softplus(-|a|) + |a| sigmoid(-|a|), no cancellation at large |a|.
        NDArray perBit = Activation.softPlus(neg).add(abs.mul(Activation.sigmoid(neg))); // (N, K)
        return perBit.sum(new int[] {1}).mean();
    }

    /** {@code H_codebook} as configured: exact over 2^K codes, or summed over groups of bits. */
    NDArray codebookEntropy(NDArray a) {
        if (config.codebookEntropy() == CodebookEntropy.EXACT) {
            return exactCodebookEntropy(a, config.chunkCodes(), config.leanGradient());
        }
        NDArray sum = null;
        int start = 0;
        for (int g : config.groupBits()) {
            NDArray part = a.get(":, " + start + ":" + (start + g));
            NDArray h = exactCodebookEntropy(part, config.chunkCodes(), config.leanGradient());
            sum = sum == null ? h : sum.add(h);
            start += g;
        }
        return sum;
    }

    /**
     * The exact entropy of the mean code distribution over all {@code 2^g} codes of {@code g} bits.
     *
     * <p>Per chunk of codes, with the 0/1 bit matrix B ({@code (C, g)}, row c the bits of code c):
     * {@code log p_n(c) = logsigmoid(a_n) . B_c + logsigmoid(-a_n) . (1 - B_c)}, two matrix products.
     *
     * <p>Lean path: the value and {@code G = dH/da} come from two passes without a graph,
     * {@code G_{n,i} = -(1/N) sum_c u(c) p_n(c) (B_{c,i} - sigmoid(a_{n,i}))} with
     * {@code u(c) = log(pbar(c) + eps) + pbar(c) / (pbar(c) + eps)}; the result is
     * {@code H + sum(G a) - sg(sum(G a))}: the value of H, the gradient of H, and a tape of one product.
     * Simple path: the chunks' graphs stay on the tape (about 3 x N x 2^g floats).
     *
     * @param a {@code (N, g)} bit logits {@code 4 z / tau}
     * @return scalar, nats
     */
    static NDArray exactCodebookEntropy(NDArray a, int chunkCodes, boolean lean) {
        long n = a.getShape().get(0);
        int g = Math.toIntExact(a.getShape().get(1));
        long codes = 1L << g;
        NDManager m = a.getManager();
        NDArray logits = lean ? a.stopGradient() : a;
        NDArray logOn = logSigmoid(logits);         // (N, g) log P(bit = 1)
        NDArray logOff = logSigmoid(logits.neg());  // (N, g) log P(bit = 0)

        NDList pbarChunks = new NDList();
        for (long c0 = 0; c0 < codes; c0 += chunkCodes) {
            int c = (int) Math.min(chunkCodes, codes - c0);
            NDArray bitsT = bitMatrix(m, c0, c, g).transpose();                                  // (g, C)
            NDArray logP = logOn.matMul(bitsT).add(logOff.matMul(bitsT.neg().add(1f)));           // (N, C)
            pbarChunks.add(logP.exp().mean(new int[] {0}));                                       // (C)
        }
        NDArray pbar = NDArrays.concat(pbarChunks);                                               // (2^g)
        NDArray logPbar = pbar.add(CODEBOOK_EPS).log();
        NDArray entropy = pbar.mul(logPbar).sum().neg();
        if (!lean) {
            return entropy;
        }

        NDArray u = logPbar.add(pbar.div(pbar.add(CODEBOOK_EPS)));                               // (2^g)
        NDArray onProb = Activation.sigmoid(logits);                                              // (N, g)
        NDArray grad = m.zeros(new Shape(n, g));
        for (long c0 = 0; c0 < codes; c0 += chunkCodes) {
            int c = (int) Math.min(chunkCodes, codes - c0);
            NDArray bits = bitMatrix(m, c0, c, g);                                                // (C, g)
            NDArray bitsT = bits.transpose();
            NDArray logP = logOn.matMul(bitsT).add(logOff.matMul(bitsT.neg().add(1f)));           // (N, C)
            NDArray w = logP.exp().mul(u.get(c0 + ":" + (c0 + c)));                               // (N, C)
            grad = grad.add(w.matMul(bits).sub(w.sum(new int[] {1}, true).mul(onProb)));          // (N, g)
        }
        grad = grad.mul(-1.0 / n);
        NDArray surrogate = grad.mul(a).sum();
        return entropy.add(surrogate.sub(surrogate.stopGradient()));
    }

    /** {@code log sigmoid(x) = -softplus(-x)}. */
    static NDArray logSigmoid(NDArray x) {
        return Activation.softPlus(x.neg()).neg();
    }

    /** {@code (count, g)} float 0/1: row r holds the bits of code {@code first + r}, bit 0 first. */
    static NDArray bitMatrix(NDManager manager, long first, int count, int g) {
        float[] bits = new float[count * g];
        for (int r = 0; r < count; r++) {
            long code = first + r;
            for (int i = 0; i < g; i++) {
                bits[r * g + i] = (code >>> i) & 1L;
            }
        }
        return manager.create(bits, new Shape(count, g));
    }

    /** {@code +1} where {@code z > 0}, else {@code -1}; same shape, float32, no gradient. */
    static NDArray signs(NDArray z) {
        return z.gt(0f).toType(DataType.FLOAT32, false).mul(2f).sub(1f);
    }

    /**
     * Token indices of codes: {@code sum_k 2^k [c_k > 0]}.
     *
     * @param codes {@code (..., K)} with the bits on the last axis
     * @return {@code (...)} int64
     */
    public static NDArray codesToIndices(NDArray codes) {
        int k = Math.toIntExact(codes.getShape().get(codes.getShape().dimension() - 1));
        if (k > LookupFreeQuantizerConfig.MAX_BITS) {
            throw new IllegalArgumentException("at most " + LookupFreeQuantizerConfig.MAX_BITS + " bits, got " + k);
        }
        float[] powers = new float[k];
        for (int i = 0; i < k; i++) {
            powers[i] = 1 << i;
        }
        NDArray on = codes.gt(0f).toType(DataType.FLOAT32, false);
        // Exact: float32 holds every integer below 2^24.
        return on.matMul(codes.getManager().create(powers)).toType(DataType.INT64, false);
    }

    /**
     * Codes of token indices: bit k of the index, mapped 0 to -1 and 1 to +1.
     *
     * @param indices {@code (...)} int64 in {@code [0, 2^bits)}
     * @return {@code (..., bits)} float32
     */
    public static NDArray indicesToCodes(NDArray indices, int bits) {
        if (bits < 1 || bits > LookupFreeQuantizerConfig.MAX_BITS) {
            throw new IllegalArgumentException("bits must be in 1.." + LookupFreeQuantizerConfig.MAX_BITS + ", got " + bits);
        }
        float[] powers = new float[bits];
        for (int i = 0; i < bits; i++) {
            powers[i] = 1 << i;
        }
        NDArray x = indices.toType(DataType.FLOAT32, false).expandDims(-1);      // (..., 1), exact below 2^24
        NDArray bit = x.div(indices.getManager().create(powers)).floor().mod(2f); // (..., bits) 0/1
        return bit.mul(2f).sub(1f);
    }

    /** Codes of a grid of indices, channels first: {@code (B, H, W)} int64 to {@code (B, K, H, W)} float32. */
    public NDArray gridCodes(NDArray indices) {
        if (indices.getShape().dimension() != 3) {
            throw new IllegalArgumentException("expected token indices of shape (B, H, W), got " + indices.getShape());
        }
        return indicesToCodes(indices, bits()).transpose(0, 3, 1, 2);
    }
}

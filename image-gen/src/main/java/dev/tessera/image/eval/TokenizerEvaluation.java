package dev.tessera.image.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.lfq.LfqTokenizer;
import java.util.SplittableRandom;

/**
 * Runs an LFQ tokenizer over a set of images without gradients and scores what comes back: the
 * reconstruction metrics and codebook use of specs/image.md 1.5. The tokenizer is used as it is: to score
 * EMA weights, load or swap them in first.
 */
public final class TokenizerEvaluation {

    /** Images per forward pass. */
    public static final int DEFAULT_BATCH = 64;
    /** Checkpoint name of a tokenizer in its model folder ({@code models/image-tokenizer/lfq-tokenizer.safetensors}). */
    public static final String DEFAULT_NAME = dev.tessera.image.lfq.LfqTokenizer.CHECKPOINT;

    private TokenizerEvaluation() {
    }

    /**
     * What the tokenizer made of a set of images.
     *
     * @param size image side
     * @param originals {@code (N, 3, S, S)} in [0, 1]
     * @param reconstructions {@code (N, 3, S, S)} in [0, 1] (clipped)
     * @param tokens {@code (N, g^2)} token indices, raster order
     * @param bits K
     */
    public record Reconstructions(int size, float[] originals, float[] reconstructions, long[] tokens, int bits) {

        public int count() {
            return UnitImages.count(originals, size);
        }

        public TokenizerReport report() {
            double l1 = 0;
            for (int i = 0; i < originals.length; i++) {
                l1 += Math.abs(originals[i] - reconstructions[i]);
            }
            return new TokenizerReport(count(), ReconstructionMetrics.psnr(originals, reconstructions, size),
                    ReconstructionMetrics.ssim(originals, reconstructions, size), 2 * l1 / originals.length,
                    CodebookStatistics.of(tokens, bits));
        }
    }

    /** Reconstructs every image of {@code images}; temporaries live in sub-managers of {@code manager}. */
    public static Reconstructions reconstruct(LfqTokenizer tokenizer, ImageSet images, NDManager manager, int batch) {
        return reconstruct(tokenizer, UnitImages.of(images), images.size(), manager, batch);
    }

    /** Reconstructs {@code (N, 3, S, S)} images in [0, 1]. */
    public static Reconstructions reconstruct(LfqTokenizer tokenizer, float[] images, int size, NDManager manager,
                                              int batch) {
        if (size != tokenizer.config().imageSize()) {
            throw new IllegalArgumentException("the tokenizer reads " + tokenizer.config().imageSize() + " px images, got "
                    + size + " px");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int n = UnitImages.count(images, size);
        int per = 3 * size * size;
        int g2 = tokenizer.config().tokens();
        float[] rec = new float[images.length];
        long[] tokens = new long[n * g2];
        NoGradient.call(() -> {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                try (NDManager m = manager.newSubManager()) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = UnitImages.toInput(m, images, size, from, count);          // (B, 3, S, S)
                    LfqTokenizer.Output out = tokenizer.forward(ps, x, false, false);
                    System.arraycopy(UnitImages.fromOutput(out.reconstruction()), 0, rec, from * per, count * per);
                    System.arraycopy(out.quantized().indices().toLongArray(), 0, tokens, from * g2, count * g2);
                }
            }
            return null;
        });
        return new Reconstructions(size, images, rec, tokens, tokenizer.config().bits());
    }

    /** {@link #reconstruct} and its report. */
    public static TokenizerReport evaluate(LfqTokenizer tokenizer, ImageSet images, NDManager manager, int batch) {
        return reconstruct(tokenizer, images, manager, batch).report();
    }

    /**
     * Images decoded from uniformly random tokens: the FD-emoji "ceiling" (specs/image.md 4).
     *
     * @return {@code (n, 3, S, S)} in [0, 1]
     */
    public static float[] decodeRandomTokens(LfqTokenizer tokenizer, int n, long seed, NDManager manager, int batch) {
        SplittableRandom random = new SplittableRandom(seed);
        long codes = 1L << tokenizer.config().bits();
        long[] t = new long[n * tokenizer.config().tokens()];
        for (int i = 0; i < t.length; i++) {
            t[i] = random.nextLong(codes);
        }
        return decodeTokens(tokenizer, t, manager, batch);
    }

    /**
     * Images of token grids, {@code batch} at a time, without gradients.
     *
     * @param tokens {@code (n, g^2)} raster-order indices, row-major
     * @return {@code (n, 3, S, S)} in [0, 1]
     */
    public static float[] decodeTokens(LfqTokenizer tokenizer, long[] tokens, NDManager manager, int batch) {
        int s = tokenizer.config().imageSize();
        int per = 3 * s * s;
        int g2 = tokenizer.config().tokens();
        int n = tokens.length / g2;
        float[] out = new float[n * per];
        NoGradient.call(() -> {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                long[] t = java.util.Arrays.copyOfRange(tokens, from * g2, (from + count) * g2);
                try (NDManager m = manager.newSubManager()) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray images = tokenizer.detokenize(ps, m.create(t, new Shape(count, g2)));
                    System.arraycopy(UnitImages.fromOutput(images), 0, out, from * per, count * per);
                }
            }
            return null;
        });
        return out;
    }
}

package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.data.Augmentation;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.NoGradient;
import dev.tessera.image.lfq.LfqTokenizer;
import java.util.SplittableRandom;

/**
 * Class-labelled token sequences of images: what the AR models train on (specs/image.md 2.4), made once by
 * a frozen tokenizer and kept on the host.
 *
 * @param bits K; tokens lie in {@code [0, 2^K)}
 * @param length T, tokens per sequence (64)
 * @param tokens {@code (N, T)} row-major, raster order
 * @param classes {@code (N)} class of each sequence
 */
public record TokenSequences(int bits, int length, long[] tokens, int[] classes) {

    public TokenSequences {
        if (bits < 1 || bits > 24 || length < 1 || tokens.length != (long) classes.length * length) {
            throw new IllegalArgumentException("expected " + classes.length + " sequences of " + length
                    + " tokens of 1..24 bits, got " + tokens.length + " tokens of " + bits + " bits");
        }
        long codes = 1L << bits;
        for (long t : tokens) {
            if (t < 0 || t >= codes) {
                throw new IllegalArgumentException("token " + t + " is outside [0, " + codes + ")");
            }
        }
    }

    public int count() {
        return classes.length;
    }

    /** The sequences at {@code indices}: {@code (B, T)} int64. */
    public NDArray tokenBatch(NDManager manager, int[] indices) {
        long[] out = new long[indices.length * length];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(tokens, indices[j] * length, out, j * length, length);
        }
        return manager.create(out, new Shape(indices.length, length));
    }

    /** Their classes: {@code (B)} int64. */
    public NDArray classBatch(NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int j = 0; j < indices.length; j++) {
            out[j] = classes[indices[j]];
        }
        return manager.create(out);
    }

    /** The first {@code n} sequences (all when {@code n >= count()}). */
    public TokenSequences head(int n) {
        if (n >= count()) {
            return this;
        }
        long[] t = new long[n * length];
        System.arraycopy(tokens, 0, t, 0, t.length);
        int[] c = new int[n];
        System.arraycopy(classes, 0, c, 0, n);
        return new TokenSequences(bits, length, t, c);
    }

    /** The most frequent token: the "neutral" code of sampling previews (specs/image.md 3). */
    public long neutralCode() {
        return modeOf(0, 1, tokens.length);
    }

    /** The most frequent token at each position: the "most probable" preview table, {@code (T)}. */
    public long[] positionModes() {
        long[] out = new long[length];
        for (int p = 0; p < length; p++) {
            out[p] = modeOf(p, length, count());
        }
        return out;
    }

    /** Mode of {@code tokens[first + k * stride]} for k below {@code n}; the smallest token wins ties. */
    private long modeOf(int first, int stride, int n) {
        java.util.HashMap<Long, Integer> counts = new java.util.HashMap<>();
        long best = -1;
        int bestCount = 0;
        for (int k = 0; k < n; k++) {
            long t = tokens[first + k * stride];
            int c = counts.merge(t, 1, Integer::sum);
            if (c > bestCount || c == bestCount && t < best) {
                best = t;
                bestCount = c;
            }
        }
        return best;
    }

    /**
     * Tokenizes every image of {@code images} with the frozen {@code tokenizer} (no gradients), and, when
     * {@code withFlips}, every image's horizontal flip after them (the spec's "each training image and its
     * flip"): sequence i is image i, sequence N + i its flip, with the same class.
     */
    public static TokenSequences tokenize(LfqTokenizer tokenizer, ImageSet images, boolean withFlips, NDManager manager,
                                          int batch) {
        int n = images.count();
        int copies = withFlips ? 2 : 1;
        int t = tokenizer.config().tokens();
        long[] tokens = new long[copies * n * t];
        int[] classes = new int[copies * n];
        Augmentation flip = new Augmentation(1.0, 0);
        NoGradient.call(() -> {
            for (int copy = 0; copy < copies; copy++) {
                for (int from = 0; from < n; from += batch) {
                    int count = Math.min(batch, n - from);
                    int[] indices = java.util.stream.IntStream.range(from, from + count).toArray();
                    try (NDManager m = manager.newSubManager()) {
                        // A flip probability of 1 draws nothing that matters: every image is flipped.
                        NDArray x = copy == 0 ? images.batch(m, indices)
                                : images.batch(m, indices, flip, new SplittableRandom(0));           // (B, 3, S, S)
                        long[] ids = tokenizer.tokenize(new ParameterStore(m, false), x).toLongArray(); // (B, T)
                        System.arraycopy(ids, 0, tokens, (copy * n + from) * t, count * t);
                    }
                    for (int i = 0; i < count; i++) {
                        classes[copy * n + from + i] = images.labels()[from + i];
                    }
                }
            }
            return null;
        });
        return new TokenSequences(tokenizer.config().bits(), t, tokens, classes);
    }
}

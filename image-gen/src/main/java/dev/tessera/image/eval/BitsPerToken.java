package dev.tessera.image.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.ar.ImageTokenModel;
import io.vertx.core.json.JsonObject;

/**
 * Held-out bits per token of an AR head (specs/image.md 4), next to the two references it is read
 * against: K bits (uniform tokens, the zero-initialized heads' start) and the entropy of the held-out
 * tokens' own unigram histogram (what a model that ignores context and class could reach at best).
 *
 * @param bitsPerToken mean over every token of {@code -log2 p(token | class, tokens before)}, class given
 * @param bits K, the uniform reference
 * @param unigramEntropyBits entropy of the held-out token histogram, bits (an optimistic unigram
 *     reference: it is fitted to the very tokens it scores)
 * @param tokens tokens scored
 */
public record BitsPerToken(double bitsPerToken, int bits, double unigramEntropyBits, long tokens) {

    private static final double LN2 = Math.log(2);

    /**
     * Scores {@code model} on sequences without dropout or class dropout and without gradients.
     *
     * @param tokens {@code (N, T)} token indices, row-major
     * @param classes {@code (N)} class of each sequence
     * @param length T
     */
    public static BitsPerToken evaluate(ImageTokenModel model, long[] tokens, int[] classes, int length,
                                        NDManager manager, int batch) {
        int n = classes.length;
        if (length < 1 || tokens.length != (long) n * length || n == 0) {
            throw new IllegalArgumentException("expected " + n + " sequences of " + length + " tokens, got "
                    + tokens.length + " tokens");
        }
        double nats = NoGradient.call(() -> {
            double sum = 0;
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                long[] t = new long[count * length];
                System.arraycopy(tokens, from * length, t, 0, t.length);
                long[] c = new long[count];
                for (int i = 0; i < count; i++) {
                    c[i] = classes[from + i];
                }
                try (NDManager m = manager.newSubManager()) {
                    NDArray nll = model.tokenNll(new ParameterStore(m, false), m.create(t, new Shape(count, length)),
                            m.create(c), false);                                                   // (B, T) nats
                    sum += nll.sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                }
            }
            return sum;
        });
        return new BitsPerToken(nats / tokens.length / LN2, model.bits(),
                CodebookStatistics.of(tokens, model.bits()).entropyBits(), tokens.length);
    }

    public JsonObject toJson() {
        return new JsonObject().put("bitsPerToken", bitsPerToken).put("uniformBits", bits)
                .put("unigramEntropyBits", unigramEntropyBits).put("tokens", tokens);
    }
}

package dev.tessera.image.ar;

import dev.tessera.image.nn.SwiGlu;
import io.vertx.core.json.JsonObject;

/**
 * The inter-token transformer shared by the factorized model and the flat baseline (specs/image.md 2.2).
 *
 * @param width model width w (256)
 * @param heads attention heads (8)
 * @param layers inter-token layers (6)
 * @param ffnHidden SwiGLU hidden size (768 = 2/3 x 4w rounded up to a multiple of 256)
 * @param numClasses classes of the class prefix (10 emoji categories); index {@code numClasses} is the
 *     null class of classifier-free guidance
 * @param tokens tokens per image (64); the sequence is {@code [class, tok_1 .. tok_(tokens-1)]} and the
 *     position table has {@code tokens + 1} rows, one spare for the distilled student
 * @param classDropout chance of replacing the class by the null class in training (0.1)
 * @param dropout dropout on embeddings, residuals and FFN outputs (0.1)
 * @param initStd standard deviation of weight and embedding initialization (0.02)
 * @param normEps RMSNorm epsilon (1e-5)
 */
public record ArTrunkConfig(int width, int heads, int layers, int ffnHidden, int numClasses, int tokens,
                            float classDropout, float dropout, float initStd, float normEps) {

    public ArTrunkConfig {
        if (width < 1 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be a positive multiple of heads " + heads);
        }
        if (layers < 1 || ffnHidden < 1 || numClasses < 1 || tokens < 2) {
            throw new IllegalArgumentException("layers, ffnHidden and numClasses must be positive and tokens >= 2, got "
                    + layers + ", " + ffnHidden + ", " + numClasses + ", " + tokens);
        }
        if (!(classDropout >= 0 && classDropout <= 1) || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout rates must be in [0, 1), class dropout in [0, 1], got "
                    + dropout + " and " + classDropout);
        }
    }

    /** The CPU default: 6 layers of width 256, 8 heads, SwiGLU 768, 10 classes, 64 tokens. */
    public static ArTrunkConfig defaults() {
        return new ArTrunkConfig(256, 8, 6, SwiGlu.hiddenSize(256, 256), 10, 64, 0.1f, 0.1f, 0.02f, 1e-5f);
    }

    /** Index of the null (unconditional) class. */
    public int nullClass() {
        return numClasses;
    }

    public ArTrunkConfig withDropout(float classDrop, float drop) {
        return new ArTrunkConfig(width, heads, layers, ffnHidden, numClasses, tokens, classDrop, drop, initStd, normEps);
    }

    public JsonObject toJson() {
        return new JsonObject().put("width", width).put("heads", heads).put("layers", layers).put("ffnHidden", ffnHidden)
                .put("numClasses", numClasses).put("tokens", tokens).put("classDropout", classDropout)
                .put("dropout", dropout).put("initStd", initStd).put("normEps", normEps);
    }

    /** Reads a config; absent fields take the defaults ({@code ffnHidden} follows {@code width}). */
    public static ArTrunkConfig fromJson(JsonObject json) {
        ArTrunkConfig d = defaults();
        int width = json.getInteger("width", d.width());
        return new ArTrunkConfig(width, json.getInteger("heads", d.heads()), json.getInteger("layers", d.layers()),
                json.getInteger("ffnHidden", SwiGlu.hiddenSize(width, 256)), json.getInteger("numClasses", d.numClasses()),
                json.getInteger("tokens", d.tokens()), json.getFloat("classDropout", d.classDropout()),
                json.getFloat("dropout", d.dropout()), json.getFloat("initStd", d.initStd()),
                json.getFloat("normEps", d.normEps()));
    }
}

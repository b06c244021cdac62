package dev.tessera.image.sample;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The sampling settings of one image (specs/image.md 3 and 6: "requests expose per-sub-token CFG,
 * temperature, top-k, top-p and CFG interval").
 *
 * @param pre how the first sub-token (the low bits) is drawn; the flat head, which draws a whole token in
 *     one go, uses these
 * @param post how the second sub-token (the high bits) is drawn, given the first
 * @param cfgInterval guide only the first n tokens, as LlamaGen's {@code cfg_interval} (0 = every token)
 */
public record SamplingParams(SubTokenSampling pre, SubTokenSampling post, int cfgInterval) {

    /** The spec's evaluation setting: CFG (2.0, 2.0), T (1.0, 1.0), filters off. */
    public static final SamplingParams EVALUATION = uniform(2.0, 1.0, 0, 1.0);
    /** The spec's studio setting: CFG (3.0, 3.0), T (1.0, 1.0), top-p 0.96. */
    public static final SamplingParams STUDIO = uniform(3.0, 1.0, 0, 0.96);
    /** No guidance, no filters: draws from the model's own distribution. */
    public static final SamplingParams PLAIN = new SamplingParams(SubTokenSampling.PLAIN, SubTokenSampling.PLAIN, 0);

    public SamplingParams {
        if (pre == null || post == null) {
            throw new IllegalArgumentException("both sub-token settings are required");
        }
        if (cfgInterval < 0) {
            throw new IllegalArgumentException("cfgInterval must be >= 0 (0 = every token), got " + cfgInterval);
        }
    }

    /** The same settings for both sub-tokens, guidance on every token. */
    public static SamplingParams uniform(double cfgScale, double temperature, int topK, double topP) {
        SubTokenSampling s = new SubTokenSampling(cfgScale, temperature, topK, topP);
        return new SamplingParams(s, s, 0);
    }

    /** Settings of sub-token {@code m}: 0 = pre, 1 = post. */
    public SubTokenSampling subToken(int m) {
        return m == 0 ? pre : post;
    }

    /** Whether any sub-token of any token is guided (the batch then also runs the null class). */
    public boolean guided() {
        return pre.guided() || post.guided();
    }

    /** Whether token {@code t} (0-based) falls inside the guidance interval. */
    public boolean guides(int t) {
        return cfgInterval == 0 || t < cfgInterval;
    }

    /** The settings as recorded next to a score or in a reply (specs/image.md 6: record every setting). */
    public JsonObject toJson() {
        return new JsonObject()
                .put("cfgScale", pair(pre.cfgScale(), post.cfgScale()))
                .put("temperature", pair(pre.temperature(), post.temperature()))
                .put("topK", new JsonArray().add(pre.topK()).add(post.topK()))
                .put("topP", pair(pre.topP(), post.topP()))
                .put("cfgInterval", cfgInterval);
    }

    private static JsonArray pair(double a, double b) {
        return new JsonArray().add(a).add(b);
    }
}

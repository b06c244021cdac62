package dev.tessera.image.serve;

import dev.tessera.core.bus.JobFailure;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.sample.SubTokenSampling;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated request to {@code tessera.image.generate}: {@code count} images of one class.
 *
 * <p>Params (all optional):
 * <table>
 *   <caption>request params</caption>
 *   <tr><th>key</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@code class}</td><td>class index or name; null = unconditional</td><td>unconditional</td></tr>
 *   <tr><td>{@code count}</td><td>images, 1..maxCount</td><td>1</td></tr>
 *   <tr><td>{@code seed}</td><td>whole number; image i of seed s is always the same</td><td>random, in the reply</td></tr>
 *   <tr><td>{@code temperature}</td><td>(0, 10], or {@code [pre, post]}</td><td>1.0</td></tr>
 *   <tr><td>{@code topK}</td><td>&gt;= 0, 0 = off, or {@code [pre, post]}</td><td>0</td></tr>
 *   <tr><td>{@code topP}</td><td>(0, 1], 1 = off, or {@code [pre, post]}</td><td>0.96</td></tr>
 *   <tr><td>{@code cfgScale}</td><td>[0, 20], 1 = no guidance, or {@code [pre, post]}</td><td>3.0</td></tr>
 *   <tr><td>{@code cfgInterval}</td><td>guide the first n tokens, 0 = all</td><td>0</td></tr>
 *   <tr><td>{@code previewEvery}</td><td>a preview PNG every n tokens, 0 = none</td><td>the model's (8)</td></tr>
 * </table>
 * The defaults are the spec's studio setting (specs/image.md 3). An unknown key is refused, so a typo
 * ({@code top_k}) is not silently ignored.
 *
 * @param classId class in {@code [0, numClasses]}, {@code numClasses} = unconditional
 * @param count images
 * @param seed the seed of image 0..count-1
 * @param params sampling settings (guidance is dropped for unconditional images)
 * @param previewEvery tokens between previews, 0 = none
 */
public record ImageRequest(int classId, int count, long seed, SamplingParams params, int previewEvery) {

    public static final Set<String> KEYS = Set.of("class", "count", "seed", "temperature", "topK", "topP", "cfgScale",
            "cfgInterval", "previewEvery");

    /** Seeds drawn for requests without one stay below 2^53, so JavaScript clients can send them back exactly. */
    public static final long RANDOM_SEED_BOUND = 1L << 53;

    /** The largest seed a form offers: the same bound, so a seed survives a round trip through JavaScript. */
    public static final long MAX_SEED = RANDOM_SEED_BOUND - 1;

    /** The spec's studio defaults (CFG 3, T 1, top-p 0.96). */
    public static final SamplingParams DEFAULTS = SamplingParams.STUDIO;

    /** One spec per image: image i of this request. */
    public List<SampleSpec> specs() {
        List<SampleSpec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new SampleSpec(classId, seed, i, params));
        }
        return out;
    }

    /**
     * Parses and validates request params. Every mistake is a {@code bad_input} naming its field.
     *
     * @param generator the loaded models (classes, tokens)
     * @param maxCount the most images one request may ask for
     * @param defaultPreviewEvery {@code previewEvery} when the request gives none
     */
    public static ImageRequest parse(JsonObject p, ImageGenerator generator, int maxCount, int defaultPreviewEvery) {
        Set<String> unknown = new TreeSet<>(p.fieldNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw JobFailure.badInput(key, "unknown parameter '" + key + "'; known: " + new TreeSet<>(KEYS));
        }
        int classId = classId(p.getValue("class"), generator.classes());
        long count = wholeNumber(p, "count", 1, 1, maxCount);
        long seed = p.getValue("seed") == null ? ThreadLocalRandom.current().nextLong(RANDOM_SEED_BOUND)
                : wholeNumber(p, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        double[] temperature = pair(p, "temperature", DEFAULTS.pre().temperature());
        double[] topP = pair(p, "topP", DEFAULTS.pre().topP());
        double[] cfg = pair(p, "cfgScale", DEFAULTS.pre().cfgScale());
        double[] topK = pair(p, "topK", DEFAULTS.pre().topK());
        int tokens = generator.tokens();
        int cfgInterval = (int) wholeNumber(p, "cfgInterval", 0, 0, tokens);
        int previewEvery = (int) wholeNumber(p, "previewEvery", defaultPreviewEvery, 0, tokens);
        check("temperature", () -> SubTokenSampling.requireTemperature(temperature[0]),
                () -> SubTokenSampling.requireTemperature(temperature[1]));
        check("topP", () -> SubTokenSampling.requireTopP(topP[0]), () -> SubTokenSampling.requireTopP(topP[1]));
        check("cfgScale", () -> SubTokenSampling.requireCfgScale(cfg[0]), () -> SubTokenSampling.requireCfgScale(cfg[1]));
        int[] k = new int[2];
        for (int m = 0; m < 2; m++) {
            if (topK[m] != Math.rint(topK[m]) || topK[m] < 0 || topK[m] > Integer.MAX_VALUE) {
                throw JobFailure.badInput("topK", "topK must be a whole number >= 0 (0 = off), got " + p.getValue("topK"));
            }
            k[m] = (int) topK[m];
        }
        boolean unconditional = classId == generator.nullClass();
        SubTokenSampling pre = new SubTokenSampling(unconditional ? 1 : cfg[0], temperature[0], k[0], topP[0]);
        SubTokenSampling post = new SubTokenSampling(unconditional ? 1 : cfg[1], temperature[1], k[1], topP[1]);
        return new ImageRequest(classId, (int) count, seed,
                new SamplingParams(pre, post, cfgInterval), previewEvery);
    }

    /**
     * The {@code class} param: an index, a name, or null (unconditional); a {@code bad_input} on
     * {@code class} otherwise. Shared by every image model's request.
     */
    public static int classId(Object v, ImageClasses classes) {
        if (v == null) {
            return classes.nullClass();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            long i = n.longValue();
            if (i >= 0 && i < classes.numClasses()) {
                return (int) i;
            }
        } else if (v instanceof String s) {
            try {
                return classes.classId(s);
            } catch (IllegalArgumentException e) {
                throw JobFailure.badInput("class", e.getMessage());
            }
        }
        throw JobFailure.badInput("class", "class must be " + classes.choices()
                + ", or null for an unconditional image; got " + v);
    }

    /** A whole-number param in {@code [min, max]}, {@code fallback} when absent; a {@code bad_input} naming it otherwise. */
    public static long wholeNumber(JsonObject p, String key, long fallback, long min, long max) {
        Object v = p.getValue(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || (!(v instanceof Long || v instanceof Integer)
                && n.doubleValue() != Math.rint(n.doubleValue())) || n.longValue() < min || n.longValue() > max) {
            throw JobFailure.badInput(key, key + " must be a whole number in " + min + ".." + max + ", got " + v);
        }
        return n.longValue();
    }

    /** A number for both sub-tokens, or {@code [pre, post]}. */
    private static double[] pair(JsonObject p, String key, double fallback) {
        Object v = p.getValue(key);
        if (v == null) {
            return new double[] {fallback, fallback};
        }
        if (v instanceof Number n) {
            return new double[] {n.doubleValue(), n.doubleValue()};
        }
        if (v instanceof JsonArray a && a.size() == 2 && a.getValue(0) instanceof Number a0
                && a.getValue(1) instanceof Number a1) {
            return new double[] {a0.doubleValue(), a1.doubleValue()};
        }
        throw JobFailure.badInput(key, key + " must be a number or a pair [pre, post] of numbers, got " + v);
    }

    /** Runs both checks, turning a failure into a {@code bad_input} on {@code field}. */
    private static void check(String field, Runnable pre, Runnable post) {
        try {
            pre.run();
            post.run();
        } catch (IllegalArgumentException e) {
            throw JobFailure.badInput(field, e.getMessage());
        }
    }
}

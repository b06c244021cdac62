package dev.tessera.distill.dd;

import dev.tessera.core.bus.JobFailure;
import dev.tessera.image.sample.SampleSpec;
import dev.tessera.image.sample.SamplingParams;
import dev.tessera.image.serve.ImageClasses;
import dev.tessera.image.serve.ImageRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A validated request to the distilled image student: {@code count} images of one class in {@code steps}
 * passes.
 *
 * <p>Params (all optional): {@code class} (index or name; null = unconditional), {@code count} (1..maxCount,
 * 1), {@code seed} (drawn when absent and sent back), {@code steps} (1 or 2, default 1), {@code model}
 * ({@code image-dd} when given, so a front end may pass the model name through). The AR model's sampling
 * settings ({@code temperature}, {@code topK}, {@code topP}, {@code cfgScale}, {@code cfgInterval}) are refused
 * by name: the student learned the teacher's guided sampler and is deterministic given its noise.
 */
public record DdImageRequest(int classId, int count, long seed, int steps) {

    public static final Set<String> KEYS = Set.of("class", "count", "seed", "steps", "model", "previewEvery");
    private static final Set<String> SAMPLING = Set.of("temperature", "topK", "topP", "cfgScale", "cfgInterval");

    public List<SampleSpec> specs() {
        List<SampleSpec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new SampleSpec(classId, seed, i, SamplingParams.PLAIN));
        }
        return out;
    }

    public static DdImageRequest parse(JsonObject p, ImageClasses classes, int maxCount) {
        for (String key : new TreeSet<>(p.fieldNames())) {
            if (SAMPLING.contains(key)) {
                throw JobFailure.badInput(key, "model " + DistilledImageVerticle.NAME + " takes no " + key
                        + ": the student learned the teacher's guided sampler and draws nothing; use steps (1 or 2)");
            }
            if (!KEYS.contains(key)) {
                throw JobFailure.badInput(key, "unknown parameter '" + key + "'; known: " + new TreeSet<>(KEYS));
            }
        }
        Object model = p.getValue("model");
        if (model != null && !DistilledImageVerticle.NAME.equals(model)) {
            throw JobFailure.badInput("model", "this is model " + DistilledImageVerticle.NAME + ", not " + model);
        }
        int classId = ImageRequest.classId(p.getValue("class"), classes);
        int count = (int) ImageRequest.wholeNumber(p, "count", 1, 1, maxCount);
        long seed = p.getValue("seed") == null ? ThreadLocalRandom.current().nextLong(ImageRequest.RANDOM_SEED_BOUND)
                : ImageRequest.wholeNumber(p, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        Object steps = p.getValue("steps");
        if (steps != null && !(steps instanceof Number n && (n.doubleValue() == 1 || n.doubleValue() == 2))) {
            throw JobFailure.badInput("steps", "model " + DistilledImageVerticle.NAME + " runs 1 or 2 steps, got " + steps);
        }
        return new DdImageRequest(classId, count, seed, steps == null ? 1 : ((Number) steps).intValue());
    }
}

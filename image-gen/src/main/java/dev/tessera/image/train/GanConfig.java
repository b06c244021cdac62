package dev.tessera.image.train;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The optional adversarial term of the tokenizer (specs/image.md 1.4): a PatchGAN discriminator with hinge
 * loss and LeCAM regularization, switched on after a warm-up so that the budget goes to reconstruction first.
 *
 * @param enabled whether the GAN is used at all (off by default: it is optional and costs about 10% more
 *     per step)
 * @param startFraction share of the run's steps before D starts and the G term joins (0.3)
 * @param weight weight of the generator's non-saturating term {@code softplus(-D(x_hat))} (0.1, fixed)
 * @param lecamWeight weight of the LeCAM term in D's loss (0.01)
 * @param lecamDecay decay of the EMAs of the mean real and fake logits (0.999)
 * @param ndf channels of D's first layer (64; then 2x, 4x, 8x)
 */
public record GanConfig(boolean enabled, double startFraction, double weight, double lecamWeight, double lecamDecay,
                        int ndf) {

    private static final List<String> KEYS = List.of("enabled", "startFraction", "weight", "lecamWeight", "lecamDecay",
            "ndf");

    public GanConfig {
        if (!(startFraction >= 0 && startFraction <= 1) || !(weight >= 0) || !(lecamWeight >= 0)
                || !(lecamDecay >= 0 && lecamDecay < 1) || ndf < 1) {
            throw new IllegalArgumentException("need startFraction in [0, 1], weights >= 0, lecamDecay in [0, 1) and "
                    + "ndf >= 1; got " + this);
        }
    }

    public static GanConfig defaults() {
        return new GanConfig(false, 0.3, 0.1, 0.01, 0.999, 64);
    }

    /** The first step index (0-based) at which D trains and the G term is on. */
    public long startStep(long steps) {
        return Math.round(startFraction * steps);
    }

    public JsonObject toJson() {
        return new JsonObject().put("enabled", enabled).put("startFraction", startFraction).put("weight", weight)
                .put("lecamWeight", lecamWeight).put("lecamDecay", lecamDecay).put("ndf", ndf);
    }

    public static GanConfig fromJson(JsonObject j) {
        List<String> unknown = j.fieldNames().stream().filter(k -> !KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad GAN config: unknown keys " + unknown + "; known keys are " + KEYS);
        }
        GanConfig d = defaults();
        return new GanConfig(j.getBoolean("enabled", d.enabled()), j.getDouble("startFraction", d.startFraction()),
                j.getDouble("weight", d.weight()), j.getDouble("lecamWeight", d.lecamWeight()),
                j.getDouble("lecamDecay", d.lecamDecay()), j.getInteger("ndf", d.ndf()));
    }
}

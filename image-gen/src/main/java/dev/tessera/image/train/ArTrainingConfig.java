package dev.tessera.image.train;

import dev.tessera.core.train.TrainConfig;
import dev.tessera.image.ar.FactorizedArConfig;
import dev.tessera.image.ar.FlatArConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Everything that defines an AR training run (specs/image.md 2.4), as one JSON document:
 * <pre>
 *   {"model": {"model": "factorized"|"flat", "bits": 14, ...}, "train": {TrainConfig}, "batch": 32,
 *    "validationBatch": 64, "patience": 5}
 * </pre>
 * {@code model} is the config {@link dev.tessera.image.ar.ImageTokenModels#fromConfig} reads; keys left
 * out take the head's defaults for its bits. Unknown top-level keys are refused.
 *
 * @param model the AR model's config JSON (factorized or flat)
 * @param train optimizer, schedule, EMA, checkpoints, validation
 * @param batch sequences per step
 * @param validationBatch sequences per forward pass when validating
 * @param patience stop after this many validations without a better held-out bits/token (0 = never stop early)
 */
public record ArTrainingConfig(JsonObject model, TrainConfig train, int batch, int validationBatch, int patience) {

    private static final List<String> KEYS = List.of("model", "train", "batch", "validationBatch", "patience");

    public ArTrainingConfig {
        model = normalized(model);
        if (batch < 1 || validationBatch < 1 || patience < 0) {
            throw new IllegalArgumentException("need batch >= 1, validationBatch >= 1, patience >= 0; got " + batch + ", "
                    + validationBatch + ", " + patience);
        }
    }

    /**
     * The spec's CPU recipe for a head ({@code factorized} or {@code flat}) at K bits: AdamW peak 3e-4,
     * betas (0.9, 0.95), weight decay 0.05 (none on 1-D parameters), clip 1.0, warm-up 500 steps, batch 32,
     * 15k steps, early stopping on held-out bits/token (patience 5 validations of every 500 steps).
     *
     * <p>Deviation: the paper's shape after warm-up (flat 5%, linear decay to 0.1x) becomes the Trainer's
     * cosine to 0.1x (3e-5).
     */
    public static ArTrainingConfig defaults(String head, int bits) {
        TrainConfig train = TrainConfig.DEFAULTS.with(new JsonObject().put("steps", 15_000).put("learningRate", 3e-4)
                .put("warmupSteps", 500).put("minLearningRate", 3e-5).put("weightDecay", 0.05).put("beta1", 0.9)
                .put("beta2", 0.95).put("eps", 1e-8).put("clipGradNorm", 1.0).put("emaDecay", 0.999)
                .put("checkpointEvery", 250).put("keepCheckpoints", 3).put("validateEvery", 500).put("logEvery", 50));
        return new ArTrainingConfig(new JsonObject().put("model", head).put("bits", bits), train, 32, 64, 5);
    }

    /** The model config completed with its head's defaults, so that it records every value. */
    static JsonObject normalized(JsonObject model) {
        String head = model.getString("model", "factorized");
        return switch (head) {
            case "factorized" -> FactorizedArConfig.fromJson(model).toJson();
            case "flat" -> FlatArConfig.fromJson(model).toJson();
            default -> throw new IllegalArgumentException("unknown AR head '" + head + "'; expected 'factorized' or 'flat'");
        };
    }

    public String head() {
        return model.getString("model");
    }

    public int bits() {
        return model.getInteger("bits");
    }

    public JsonObject toJson() {
        return new JsonObject().put("model", model.copy()).put("train", train.toJson()).put("batch", batch)
                .put("validationBatch", validationBatch).put("patience", patience);
    }

    /**
     * Reads a config over {@link #defaults} of the given head and bits; {@code train} merges key by key,
     * {@code model} over {@code {"model": head, "bits": bits}}.
     */
    public static ArTrainingConfig fromJson(JsonObject j, String head, int bits) {
        List<String> unknown = j.fieldNames().stream().filter(k -> !KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad AR training config: unknown keys " + unknown + "; known keys are " + KEYS);
        }
        ArTrainingConfig d = defaults(head, bits);
        JsonObject model = new JsonObject().put("model", head).put("bits", bits)
                .mergeIn(j.getJsonObject("model", new JsonObject()), true);
        return new ArTrainingConfig(model, d.train().with(j.getJsonObject("train", new JsonObject())),
                j.getInteger("batch", d.batch()), j.getInteger("validationBatch", d.validationBatch()),
                j.getInteger("patience", d.patience()));
    }

    /** Reads a config written by {@link #toJson()} (a run folder's). */
    public static ArTrainingConfig fromJson(JsonObject j) {
        JsonObject model = j.getJsonObject("model", new JsonObject());
        return fromJson(j, model.getString("model", "factorized"), model.getInteger("bits", 14));
    }

    public ArTrainingConfig withTrain(TrainConfig t) {
        return new ArTrainingConfig(model, t, batch, validationBatch, patience);
    }
}

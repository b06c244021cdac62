package dev.tessera.distill.dd;

import dev.tessera.core.train.TrainConfig;
import io.vertx.core.json.JsonObject;

/**
 * A distilled-decoding training run (specs/image.md 5.3): AdamW lr 1e-4, betas (0.9, 0.95), no weight decay,
 * batch 32, 10k steps, warm-up 500 (the spec's starting point).
 *
 * @param train optimizer, schedule, EMA, checkpoints, validation
 * @param batch pairs per step
 * @param dataShare share of inputs with the first {@code dataTokens} tokens as data (the rest all noise);
 *     the spec draws t from {1, 21}, i.e. 0.5
 * @param regressionWeight weight of the regression head's MSE (used when the student has one)
 * @param validationPairs pairs held out from the end of the pair file for validation
 */
public record DdTrainingConfig(TrainConfig train, int batch, double dataShare, double regressionWeight,
                               int validationPairs) {

    public DdTrainingConfig {
        if (batch < 1 || !(dataShare >= 0 && dataShare <= 1) || !(regressionWeight >= 0) || validationPairs < 1) {
            throw new IllegalArgumentException("need batch >= 1, dataShare in [0, 1], regressionWeight >= 0, "
                    + "validationPairs >= 1; got " + batch + ", " + dataShare + ", " + regressionWeight + ", "
                    + validationPairs);
        }
    }

    public static DdTrainingConfig defaults() {
        TrainConfig train = TrainConfig.DEFAULTS.with(new JsonObject().put("steps", 10_000).put("learningRate", 1e-4)
                .put("warmupSteps", 500).put("minLearningRate", 1e-5).put("weightDecay", 0.0).put("beta1", 0.9)
                .put("beta2", 0.95).put("clipGradNorm", 1.0).put("emaDecay", 0.999).put("checkpointEvery", 250)
                .put("keepCheckpoints", 3).put("validateEvery", 500).put("logEvery", 50));
        return new DdTrainingConfig(train, 32, 0.5, 1.0, 256);
    }

    public JsonObject toJson() {
        return new JsonObject().put("train", train.toJson()).put("batch", batch).put("dataShare", dataShare)
                .put("regressionWeight", regressionWeight).put("validationPairs", validationPairs);
    }

    /** A config over {@link #defaults()}; {@code train} merges key by key. */
    public static DdTrainingConfig fromJson(JsonObject j) {
        DdTrainingConfig d = defaults();
        return new DdTrainingConfig(d.train().with(j.getJsonObject("train", new JsonObject())), j.getInteger("batch", d.batch()),
                j.getDouble("dataShare", d.dataShare()), j.getDouble("regressionWeight", d.regressionWeight()),
                j.getInteger("validationPairs", d.validationPairs()));
    }

    public DdTrainingConfig withTrain(TrainConfig t) {
        return new DdTrainingConfig(t, batch, dataShare, regressionWeight, validationPairs);
    }
}

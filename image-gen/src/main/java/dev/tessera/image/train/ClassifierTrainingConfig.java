package dev.tessera.image.train;

import dev.tessera.core.train.TrainConfig;
import dev.tessera.image.data.Augmentation;
import dev.tessera.image.eval.EmojiClassifierConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Everything that defines a training run of the FD-emoji classifier (specs/image.md 4), as one JSON document:
 * <pre>
 *   {"classifier": {EmojiClassifierConfig}, "train": {TrainConfig}, "batch": 64, "flipProbability": 0.5,
 *    "maxShift": 2, "subcategoryWeight": 0.5}
 * </pre>
 *
 * @param classifier the network
 * @param train optimizer, schedule, EMA, checkpoints, validation
 * @param batch images per step
 * @param augmentation flip and shift, as for the tokenizer
 * @param subcategoryWeight weight of the subcategory cross-entropy next to the category one (1)
 */
public record ClassifierTrainingConfig(EmojiClassifierConfig classifier, TrainConfig train, int batch,
                                       Augmentation augmentation, double subcategoryWeight) {

    private static final List<String> KEYS = List.of("classifier", "train", "batch", "flipProbability", "maxShift",
            "subcategoryWeight");

    public ClassifierTrainingConfig {
        if (batch < 1 || !(subcategoryWeight >= 0)) {
            throw new IllegalArgumentException("need batch >= 1 and subcategoryWeight >= 0, got " + batch + " and "
                    + subcategoryWeight);
        }
    }

    /**
     * Our choice (the spec fixes only the architecture): AdamW lr 1e-3, betas (0.9, 0.999), weight decay
     * 0.05, warm-up 100 steps, cosine to 1e-5, clip 1.0, EMA 0.99, batch 64, 3,000 steps (about 56 epochs),
     * validation every 500 steps.
     */
    public static ClassifierTrainingConfig defaults() {
        TrainConfig train = TrainConfig.DEFAULTS.with(new JsonObject().put("steps", 3000).put("learningRate", 1e-3)
                .put("warmupSteps", 100).put("minLearningRate", 1e-5).put("weightDecay", 0.05).put("beta1", 0.9)
                .put("beta2", 0.999).put("clipGradNorm", 1.0).put("emaDecay", 0.99).put("checkpointEvery", 500)
                .put("keepCheckpoints", 2).put("validateEvery", 500).put("logEvery", 50));
        return new ClassifierTrainingConfig(EmojiClassifierConfig.defaults(), train, 64, Augmentation.EMOJI, 0.5);
    }

    public JsonObject toJson() {
        return new JsonObject().put("classifier", classifier.toJson()).put("train", train.toJson()).put("batch", batch)
                .put("flipProbability", augmentation.flipProbability()).put("maxShift", augmentation.maxShift())
                .put("subcategoryWeight", subcategoryWeight);
    }

    public static ClassifierTrainingConfig fromJson(JsonObject j) {
        List<String> unknown = j.fieldNames().stream().filter(k -> !KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("bad classifier training config: unknown keys " + unknown
                    + "; known keys are " + KEYS);
        }
        ClassifierTrainingConfig d = defaults();
        return new ClassifierTrainingConfig(EmojiClassifierConfig.fromJson(j.getJsonObject("classifier", new JsonObject())),
                d.train().with(j.getJsonObject("train", new JsonObject())), j.getInteger("batch", d.batch()),
                new Augmentation(j.getDouble("flipProbability", d.augmentation().flipProbability()),
                        j.getInteger("maxShift", d.augmentation().maxShift())),
                j.getDouble("subcategoryWeight", d.subcategoryWeight()));
    }

    public ClassifierTrainingConfig withTrain(TrainConfig t) {
        return new ClassifierTrainingConfig(classifier, t, batch, augmentation, subcategoryWeight);
    }
}

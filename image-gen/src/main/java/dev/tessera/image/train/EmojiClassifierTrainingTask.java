package dev.tessera.image.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tessera.core.engine.Seeds;
import dev.tessera.core.nn.Scalars;
import dev.tessera.core.train.StepLoss;
import dev.tessera.core.train.TrainingTask;
import dev.tessera.image.data.ImageSet;
import dev.tessera.image.eval.EmojiClassifier;
import dev.tessera.image.eval.NoGradient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Trains the FD-emoji feature extractor (specs/image.md 4) on the real training split:
 * {@code CE(category) + subcategoryWeight x CE(subcategory)}, with the tokenizer's augmentation. Batches are
 * drawn uniformly with replacement from the step's generator (exact resume). Validation reports held-out
 * {@code accuracy} (category) and {@code subcategoryAccuracy} with the EMA weights.
 */
public final class EmojiClassifierTrainingTask implements TrainingTask, AutoCloseable {

    private final ClassifierTrainingConfig config;
    private final NDManager manager = NDManager.newBaseManager();
    private final EmojiClassifier classifier;
    private final ImageSet train;
    private final int[] trainSubcategories;
    private final ImageSet heldOut;
    private final int[] heldOutSubcategories;
    private Supplier<Map<String, NDArray>> emaWeights;

    /**
     * @param trainSubcategories subcategory of each training image, or null when the config has no subcategory head
     * @param heldOutSubcategories the same for the held-out images
     */
    public EmojiClassifierTrainingTask(ClassifierTrainingConfig config, ImageSet train, int[] trainSubcategories,
                                       ImageSet heldOut, int[] heldOutSubcategories) {
        boolean sub = config.classifier().numSubcategories() > 0;
        if (sub && (trainSubcategories == null || heldOutSubcategories == null
                || trainSubcategories.length != train.count() || heldOutSubcategories.length != heldOut.count())) {
            throw new IllegalArgumentException("a subcategory head needs a subcategory per training and held-out image");
        }
        if (train.numClasses() > config.classifier().numCategories()) {
            throw new IllegalArgumentException("the data has " + train.numClasses() + " categories, the classifier "
                    + config.classifier().numCategories());
        }
        this.config = config;
        this.train = train;
        this.trainSubcategories = sub ? trainSubcategories : null;
        this.heldOut = heldOut;
        this.heldOutSubcategories = sub ? heldOutSubcategories : null;
        this.classifier = new EmojiClassifier(config.classifier());
        Seeds.seedAll(config.train().seed());
        classifier.initialize(manager);
    }

    public void useEma(Supplier<Map<String, NDArray>> weights) {
        this.emaWeights = weights;
    }

    public EmojiClassifier classifier() {
        return classifier;
    }

    @Override
    public String name() {
        return "emoji-classifier";
    }

    @Override
    public Block block() {
        return classifier;
    }

    @Override
    public StepLoss loss(NDManager m, SplittableRandom random, long step) {
        int[] indices = new int[config.batch()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(train.count());
        }
        NDArray x = train.batch(m, indices, config.augmentation(), random);                  // (B, 3, S, S)
        EmojiClassifier.Output out = classifier.forward(new ParameterStore(m, false), x, true);
        NDArray labels = train.labelBatch(m, indices);                                       // (B)
        NDArray ce = crossEntropy(out.categoryLogits(), labels).mean();
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("ceCategory", ce);
        NDArray total = ce;
        if (trainSubcategories != null) {
            long[] sub = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                sub[i] = trainSubcategories[indices[i]];
            }
            NDArray ceSub = crossEntropy(out.subcategoryLogits(), m.create(sub)).mean();
            terms.put("ceSubcategory", ceSub);
            total = total.add(Scalars.times(ceSub, config.subcategoryWeight()));
        }
        return new StepLoss(total, terms);
    }

    /** {@code -log softmax(logits)[label]}: {@code (B, C)}, {@code (B)} int64 to {@code (B)}. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).gather(labels.expandDims(1), 1).squeeze(1).neg();
    }

    /** Held-out category and subcategory accuracy with the EMA weights. */
    @Override
    public Map<String, Double> validate(NDManager m, long step) {
        return EmaWeights.with(classifier, emaWeights, m, () -> NoGradient.call(() -> {
            int n = heldOut.count();
            int hits = 0;
            int subHits = 0;
            for (int from = 0; from < n; from += 128) {
                int[] indices = IntStream.range(from, Math.min(n, from + 128)).toArray();
                try (NDManager s = m.newSubManager()) {
                    EmojiClassifier.Output out = classifier.forward(new ParameterStore(s, false), heldOut.batch(s, indices),
                            false);
                    long[] predicted = out.categoryLogits().argMax(1).toLongArray();
                    long[] predictedSub = out.subcategoryLogits() == null ? null
                            : out.subcategoryLogits().argMax(1).toLongArray();
                    for (int j = 0; j < indices.length; j++) {
                        hits += predicted[j] == heldOut.labels()[indices[j]] ? 1 : 0;
                        if (predictedSub != null) {
                            subHits += predictedSub[j] == heldOutSubcategories[indices[j]] ? 1 : 0;
                        }
                    }
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("accuracy", (double) hits / n);
            if (heldOutSubcategories != null) {
                out.put("subcategoryAccuracy", (double) subHits / n);
            }
            return out;
        }));
    }

    @Override
    public void close() {
        manager.close();
    }
}

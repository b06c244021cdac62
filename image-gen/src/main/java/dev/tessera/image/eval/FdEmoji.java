package dev.tessera.image.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.image.data.ImageSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FD-emoji (specs/image.md 4): the Fréchet distance between the 64-d penultimate features of the frozen
 * {@link EmojiClassifier} on two image sets, plus the classifier's class accuracy. Every score should be
 * reported with {@link #classifierHash()}, the sample size N and the seeds, and next to the floor and the
 * ceiling measured in the same run:
 * <ul>
 *   <li>floor: held-out vs class-matched training subsets of the same size (mean of 5), {@link #floor};</li>
 *   <li>ceiling: held-out vs images decoded from uniformly random tokens
 *       ({@link TokenizerEvaluation#decodeRandomTokens});</li>
 *   <li>tokenizer reference: held-out vs its own reconstructions.</li>
 * </ul>
 */
public final class FdEmoji {

    /** Images per forward pass. */
    public static final int BATCH = 128;
    /** Repeats of the floor (the spec's mean of 5). */
    public static final int FLOOR_REPEATS = 5;

    private final EmojiClassifier classifier;
    private final String classifierHash;

    /**
     * @param classifier the frozen extractor (its weights are not changed here)
     * @param classifierHash the short SHA-256 of its weights file
     */
    public FdEmoji(EmojiClassifier classifier, String classifierHash) {
        this.classifier = classifier;
        this.classifierHash = classifierHash;
    }

    /** The classifier of model folder {@code dir} (checkpoint {@link EmojiClassifier#NAME}), weights in {@code manager}. */
    public static FdEmoji load(Path dir, NDManager manager) throws IOException {
        EmojiClassifier c = EmojiClassifier.load(dir, manager);
        return new FdEmoji(c, FileHashes.shortSha256(Checkpoint.tensorsFile(dir, EmojiClassifier.NAME)));
    }

    public String classifierHash() {
        return classifierHash;
    }

    public EmojiClassifier classifier() {
        return classifier;
    }

    /**
     * The classifier's view of a set of images.
     *
     * @param features {@code (N, featureDim)}
     * @param predicted {@code (N)} most probable category
     */
    public record Embedding(double[][] features, int[] predicted) {

        public int count() {
            return predicted.length;
        }

        public GaussianStatistics statistics() {
            return GaussianStatistics.of(features);
        }

        /** Share of images whose predicted category is {@code labels[i]}. */
        public double accuracy(int[] labels) {
            if (labels.length != predicted.length) {
                throw new IllegalArgumentException("expected " + predicted.length + " labels, got " + labels.length);
            }
            int hits = 0;
            for (int i = 0; i < labels.length; i++) {
                hits += predicted[i] == labels[i] ? 1 : 0;
            }
            return (double) hits / labels.length;
        }

        /** The rows at {@code indices}. */
        public Embedding subset(int[] indices) {
            double[][] f = new double[indices.length][];
            int[] p = new int[indices.length];
            for (int j = 0; j < indices.length; j++) {
                f[j] = features[indices[j]];
                p[j] = predicted[indices[j]];
            }
            return new Embedding(f, p);
        }
    }

    /** Embeds {@code (N, 3, S, S)} images in [0, 1] without gradients. */
    public Embedding embed(float[] images, int size, NDManager manager) {
        int n = UnitImages.count(images, size);
        int d = classifier.config().featureDim();
        double[][] features = new double[n][d];
        int[] predicted = new int[n];
        NoGradient.call(() -> {
            for (int from = 0; from < n; from += BATCH) {
                int count = Math.min(BATCH, n - from);
                try (NDManager m = manager.newSubManager()) {
                    EmojiClassifier.Output out = classifier.forward(new ParameterStore(m, false),
                            UnitImages.toInput(m, images, size, from, count), false);
                    float[] f = out.features().toFloatArray();                     // (B, d)
                    NDArray argMax = out.categoryLogits().argMax(1);               // (B)
                    long[] p = argMax.toLongArray();
                    for (int i = 0; i < count; i++) {
                        for (int j = 0; j < d; j++) {
                            features[from + i][j] = f[i * d + j];
                        }
                        predicted[from + i] = (int) p[i];
                    }
                }
            }
            return null;
        });
        return new Embedding(features, predicted);
    }

    public Embedding embed(ImageSet images, NDManager manager) {
        return embed(UnitImages.of(images), images.size(), manager);
    }

    /** FD between two embedded sets. */
    public static double distance(Embedding real, Embedding generated) {
        return FrechetDistance.distance(real.statistics(), generated.statistics());
    }

    /**
     * The floor: the mean over {@code repeats} of FD(held-out, a training subset with the held-out set's
     * class histogram), each subset drawn without replacement per class (with replacement only where a
     * class has fewer training than held-out images).
     */
    public static double floor(Embedding heldOut, int[] heldOutLabels, Embedding train, int[] trainLabels, int repeats,
                               long seed) {
        GaussianStatistics real = heldOut.statistics();
        double sum = 0;
        for (int r = 0; r < repeats; r++) {
            int[] subset = classMatchedSubset(heldOutLabels, trainLabels, new SplittableRandom(seed + r));
            sum += FrechetDistance.distance(real, train.subset(subset).statistics());
        }
        return sum / repeats;
    }

    /** Indices into {@code trainLabels} with, per class, as many entries as {@code targetLabels} has. */
    static int[] classMatchedSubset(int[] targetLabels, int[] trainLabels, SplittableRandom random) {
        int classes = 0;
        for (int l : targetLabels) {
            classes = Math.max(classes, l + 1);
        }
        for (int l : trainLabels) {
            classes = Math.max(classes, l + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < trainLabels.length; i++) {
            byClass.get(trainLabels[i]).add(i);
        }
        int[] need = new int[classes];
        for (int l : targetLabels) {
            need[l]++;
        }
        int[] out = new int[targetLabels.length];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            List<Integer> pool = new ArrayList<>(byClass.get(c));
            if (need[c] > 0 && pool.isEmpty()) {
                throw new IllegalArgumentException("class " + c + " has " + need[c] + " held-out images but no training image");
            }
            for (int j = 0; j < need[c]; j++) {
                if (pool.size() >= need[c]) {
                    // Partial Fisher-Yates: the first need[c] entries become a uniform sample without replacement.
                    int pick = j + random.nextInt(pool.size() - j);
                    int tmp = pool.get(j);
                    pool.set(j, pool.get(pick));
                    pool.set(pick, tmp);
                    out[k++] = pool.get(j);
                } else {
                    out[k++] = pool.get(random.nextInt(pool.size()));
                }
            }
        }
        return out;
    }
}

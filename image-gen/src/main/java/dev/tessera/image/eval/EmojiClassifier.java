package dev.tessera.image.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.tessera.core.checkpoint.Checkpoint;
import dev.tessera.image.nn.BlockCheckpoints;
import dev.tessera.image.nn.Conv;
import dev.tessera.image.nn.Dense;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.nn.GroupNorm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The FD-emoji feature extractor and classifier (specs/image.md 4), the whole forward pass:
 *
 * <pre>
 * x (B, 3, 32, 32) in [-1, 1]
 * stage 1: conv3x3 3->32, GroupNorm, SiLU                       (B, 32, 32, 32)
 * stage 2: conv3x3 32->64 stride 2, GroupNorm, SiLU             (B, 64, 16, 16)
 * stage 3: conv3x3 64->128 stride 2, GroupNorm, SiLU            (B, 128, 8, 8)
 * stage 4: conv3x3 128->128 stride 2, GroupNorm, SiLU           (B, 128, 4, 4)
 * global average pool                                           (B, 128)
 * feature = SiLU(Linear(128->64))                               (B, 64)   <- FD is computed here
 * category logits = Linear(64->10), subcategory logits = Linear(64->99)
 * </pre>
 * About 13 MMAC per image. Inception weights do not exist here; this network is trained on the real
 * training split, then frozen, and its file hash is printed with every score it gives.
 */
public final class EmojiClassifier extends FixedShapeBlock {

    /** Checkpoint name in a model folder. */
    public static final String NAME = "emoji-classifier";
    static final float NORM_EPS = 1e-5f;

    private final EmojiClassifierConfig config;
    private final List<Conv> convs = new ArrayList<>();
    private final List<GroupNorm> norms = new ArrayList<>();
    private final Dense feature;
    private final Dense categoryHead;
    private final Dense subcategoryHead;

    public EmojiClassifier(EmojiClassifierConfig config) {
        this.config = config;
        int in = 3;
        for (int i = 0; i < config.widths().size(); i++) {
            int out = config.widths().get(i);
            convs.add(child("stage" + i + "conv", new Conv(in, out, 3, i == 0 ? 1 : 2, false)));
            norms.add(child("stage" + i + "norm", new GroupNorm(config.groups(), out, true, NORM_EPS)));
            in = out;
        }
        this.feature = child("feature", Dense.uniform(in, config.featureDim(), true));
        this.categoryHead = child("categoryHead", Dense.uniform(config.featureDim(), config.numCategories(), true));
        this.subcategoryHead = config.numSubcategories() > 0
                ? child("subcategoryHead", Dense.uniform(config.featureDim(), config.numSubcategories(), true))
                : null;
    }

    public EmojiClassifierConfig config() {
        return config;
    }

    /**
     * @param features {@code (B, featureDim)}
     * @param categoryLogits {@code (B, numCategories)}
     * @param subcategoryLogits {@code (B, numSubcategories)}, or null without that head
     */
    public record Output(NDArray features, NDArray categoryLogits, NDArray subcategoryLogits) {
    }

    /** Features and logits of {@code (B, 3, S, S)} images in [-1, 1]. */
    public Output forward(ParameterStore ps, NDArray images, boolean training) {
        NDArray f = features(ps, images, training);
        return new Output(f, categoryHead.forward(ps, f, training),
                subcategoryHead == null ? null : subcategoryHead.forward(ps, f, training));
    }

    /** The penultimate feature: {@code (B, 3, S, S) -> (B, featureDim)}. */
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        long[] s = images.getShape().getShape();
        if (s.length != 4 || s[1] != 3 || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException("the classifier expects images of shape (B, 3, " + config.imageSize() + ", "
                    + config.imageSize() + "), got " + images.getShape());
        }
        NDArray h = images;
        for (int i = 0; i < convs.size(); i++) {
            h = silu(norms.get(i).forward(ps, convs.get(i).forward(ps, h, training), training));
        }
        long[] hs = h.getShape().getShape();
        NDArray pooled = h.reshape(hs[0], hs[1], hs[2] * hs[3]).mean(new int[] {2});   // (B, C): global average pool
        return silu(feature.forward(ps, pooled, training));                             // (B, featureDim)
    }

    /** Saves weights and config as checkpoint {@link #NAME} in {@code dir}. */
    public void save(Path dir, java.util.Map<String, String> metadata) throws IOException {
        BlockCheckpoints.save(dir, NAME, this, config.toJson(), metadata);
    }

    /** The classifier of checkpoint {@link #NAME} in {@code dir}, its weights in {@code manager}. */
    public static EmojiClassifier load(Path dir, NDManager manager) throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(dir, NAME);
        EmojiClassifier c = new EmojiClassifier(EmojiClassifierConfig.fromJson(loaded.config()));
        c.initialize(manager);
        BlockCheckpoints.load(c, loaded.tensors());
        return c;
    }
}

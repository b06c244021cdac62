package dev.tessera.image.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The FD-emoji feature extractor (specs/image.md 4): a small CNN trained on the real training split.
 *
 * @param imageSize input side in pixels (32)
 * @param widths channels of the conv stages (32, 64, 128, 128); every stage after the first halves the
 *     resolution (stride 2)
 * @param groups GroupNorm groups (8), dividing every width
 * @param featureDim the penultimate feature, the one FD is computed on (64: small, so a covariance is
 *     estimable from a few hundred images)
 * @param numCategories classes of the category head (10)
 * @param numSubcategories classes of the subcategory head (99); 0 = no subcategory head
 */
public record EmojiClassifierConfig(int imageSize, List<Integer> widths, int groups, int featureDim, int numCategories,
                                    int numSubcategories) {

    public EmojiClassifierConfig {
        widths = List.copyOf(widths);
        if (widths.isEmpty() || widths.stream().anyMatch(w -> w < 1 || w % groups != 0) || groups < 1) {
            throw new IllegalArgumentException("every width must be a positive multiple of groups=" + groups + ", got "
                    + widths);
        }
        if (imageSize % (1 << (widths.size() - 1)) != 0) {
            throw new IllegalArgumentException(widths.size() + " stages halve the image " + (widths.size() - 1)
                    + " times; " + imageSize + " px does not divide");
        }
        if (featureDim < 1 || numCategories < 2 || numSubcategories < 0) {
            throw new IllegalArgumentException("need featureDim >= 1, numCategories >= 2, numSubcategories >= 0, got "
                    + featureDim + ", " + numCategories + ", " + numSubcategories);
        }
    }

    /** The spec's extractor for the emoji set: 10 categories and 99 subcategories. */
    public static EmojiClassifierConfig defaults() {
        return new EmojiClassifierConfig(32, List.of(32, 64, 128, 128), 8, 64, 10, 99);
    }

    public EmojiClassifierConfig withClasses(int categories, int subcategories) {
        return new EmojiClassifierConfig(imageSize, widths, groups, featureDim, categories, subcategories);
    }

    public JsonObject toJson() {
        return new JsonObject().put("model", "emoji-classifier").put("imageSize", imageSize)
                .put("widths", new JsonArray(new ArrayList<>(widths))).put("groups", groups)
                .put("featureDim", featureDim).put("numCategories", numCategories)
                .put("numSubcategories", numSubcategories);
    }

    /** Reads a config; absent fields take the defaults. */
    public static EmojiClassifierConfig fromJson(JsonObject j) {
        EmojiClassifierConfig d = defaults();
        List<Integer> widths = new ArrayList<>();
        JsonArray w = j.getJsonArray("widths");
        if (w != null) {
            w.forEach(v -> widths.add(((Number) v).intValue()));
        } else {
            widths.addAll(d.widths());
        }
        return new EmojiClassifierConfig(j.getInteger("imageSize", d.imageSize()), widths, j.getInteger("groups", d.groups()),
                j.getInteger("featureDim", d.featureDim()), j.getInteger("numCategories", d.numCategories()),
                j.getInteger("numSubcategories", d.numSubcategories()));
    }
}

package dev.tessera.image.lfq;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The LFQ image tokenizer's architecture (specs/image.md 1.3): a pure CNN encoder to a grid of K-channel
 * latents, the {@link LookupFreeQuantizer}, and a decoder back to pixels.
 *
 * @param imageSize input side in pixels (32)
 * @param baseWidth channels of level 0 (64)
 * @param multipliers width of each level relative to {@code baseWidth}, fine to coarse ([1, 2, 2]);
 *     every level after the first halves the resolution, so 32 px and three levels give an 8x8 grid
 * @param resBlocks residual blocks per level and in the middle (2)
 * @param groups GroupNorm groups (32); must divide every width
 * @param adaptiveNorm adaptive GroupNorm before each decoder level, conditioned on the codes (on)
 * @param preQuantNorm a GroupNorm without affine on the encoder output, before the sign (off, as in the
 *     reference; MAGVIT-v2's author recommends it, the first remedy for codebook collapse)
 * @param preQuantNormGroups groups of that norm, dividing K (1: one norm over all bits and positions)
 * @param quantizer the quantizer; its {@code bits} is K, the latent channels
 */
public record LfqTokenizerConfig(int imageSize, int baseWidth, List<Integer> multipliers, int resBlocks, int groups,
                                 boolean adaptiveNorm, boolean preQuantNorm, int preQuantNormGroups,
                                 LookupFreeQuantizerConfig quantizer) {

    public LfqTokenizerConfig {
        multipliers = List.copyOf(multipliers);
        if (multipliers.isEmpty() || multipliers.stream().anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException("multipliers must be positive, one per level, got " + multipliers);
        }
        if (baseWidth < 1 || resBlocks < 1 || groups < 1) {
            throw new IllegalArgumentException("baseWidth, resBlocks and groups must be positive, got " + baseWidth
                    + ", " + resBlocks + ", " + groups);
        }
        for (int m : multipliers) {
            if (baseWidth * m % groups != 0) {
                throw new IllegalArgumentException("GroupNorm(" + groups + ") cannot normalize width " + baseWidth * m
                        + "; choose a width divisible by the group count");
            }
        }
        int down = 1 << (multipliers.size() - 1);
        if (imageSize < down || imageSize % down != 0) {
            throw new IllegalArgumentException(multipliers.size() + " levels downsample by " + down
                    + ", which must divide the image size " + imageSize);
        }
        if (preQuantNorm && (preQuantNormGroups < 1 || quantizer.bits() % preQuantNormGroups != 0)) {
            throw new IllegalArgumentException("preQuantNormGroups " + preQuantNormGroups + " must divide K = " + quantizer.bits());
        }
    }

    /** The spec's CPU default for K bits: 32 px, widths 64/128/128, 2 blocks per level, GroupNorm(32). */
    public static LfqTokenizerConfig defaults(int bits) {
        return new LfqTokenizerConfig(32, 64, List.of(1, 2, 2), 2, 32, true, false, 1,
                LookupFreeQuantizerConfig.defaults(bits));
    }

    /** The default: K = 14. */
    public static LfqTokenizerConfig defaults() {
        return defaults(14);
    }

    public int bits() {
        return quantizer.bits();
    }

    public int levels() {
        return multipliers.size();
    }

    /** Width of level {@code i}. */
    public int width(int level) {
        return baseWidth * multipliers.get(level);
    }

    /** Side of the token grid: {@code imageSize / 2^(levels - 1)}. */
    public int gridSize() {
        return imageSize >> (levels() - 1);
    }

    /** Tokens per image: {@code gridSize^2} (64 at the default). */
    public int tokens() {
        return gridSize() * gridSize();
    }

    public JsonObject toJson() {
        return new JsonObject().put("imageSize", imageSize).put("baseWidth", baseWidth)
                .put("multipliers", new JsonArray(new ArrayList<>(multipliers))).put("resBlocks", resBlocks)
                .put("groups", groups).put("adaptiveNorm", adaptiveNorm).put("preQuantNorm", preQuantNorm)
                .put("preQuantNormGroups", preQuantNormGroups).put("quantizer", quantizer.toJson());
    }

    /** Reads a config; absent fields take the defaults. */
    public static LfqTokenizerConfig fromJson(JsonObject json) {
        LookupFreeQuantizerConfig q = LookupFreeQuantizerConfig.fromJson(json.getJsonObject("quantizer", new JsonObject()));
        LfqTokenizerConfig d = defaults(q.bits());
        List<Integer> mult = new ArrayList<>();
        JsonArray m = json.getJsonArray("multipliers");
        if (m != null) {
            m.forEach(v -> mult.add(((Number) v).intValue()));
        } else {
            mult.addAll(d.multipliers());
        }
        return new LfqTokenizerConfig(json.getInteger("imageSize", d.imageSize()), json.getInteger("baseWidth", d.baseWidth()),
                mult, json.getInteger("resBlocks", d.resBlocks()), json.getInteger("groups", d.groups()),
                json.getBoolean("adaptiveNorm", d.adaptiveNorm()), json.getBoolean("preQuantNorm", d.preQuantNorm()),
                json.getInteger("preQuantNormGroups", d.preQuantNormGroups()), q);
    }
}

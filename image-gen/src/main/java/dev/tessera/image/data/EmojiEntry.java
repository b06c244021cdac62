package dev.tessera.image.data;

/**
 * One emoji image of the Noto set.
 *
 * @param unified code points in hex, dash-separated, e.g. {@code 1F44B-1F3FD}
 * @param shortName e.g. {@code wave}; skin-tone variants carry their base's short name
 * @param name Unicode name of the base emoji, e.g. {@code WAVING HAND SIGN}
 * @param category index into {@link EmojiCatalog#categories()}
 * @param subcategory index into {@link EmojiCatalog#subcategories()}
 * @param image PNG file name under {@code raw/img}
 * @param group code points of the base emoji: variants (skin tones) share their base's group and so
 *     always land on the same side of the held-out split
 */
public record EmojiEntry(String unified, String shortName, String name, int category, int subcategory, String image,
                         String group) {

    /** True for a skin-tone variant, false for a base emoji. */
    public boolean isVariant() {
        return !unified.equals(group);
    }
}

package dev.tessera.image.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed held-out split of the emoji set (specs/image.md 1.1): about 10% of the images, stratified by
 * category, with every skin-tone variant on the same side as its base emoji.
 *
 * <p>How: within each category, the groups (a base emoji and its variants) are ordered by a seeded 64-bit
 * hash of the base emoji's code points; walking that order, a group is held out when it still fits into
 * the category's quota, {@code round(fraction x images in the category)}, until the quota is met. The
 * result depends only on the code points, the fraction and the seed, never on file order or on the
 * engine's root seed, so the split survives a re-download and new emoji only move their own groups. It is
 * also persisted with the prepared data ({@code data/emoji/index.json}).
 */
public final class EmojiSplit {

    public static final double HELD_OUT_FRACTION = 0.10;
    /** Seed of the split; part of the data's identity, so it is a constant, not {@code TESSERA_SEED}. */
    public static final long SEED = 20261129L;

    private EmojiSplit() {
    }

    /** Held-out flags for the entries, with the defaults above. */
    public static boolean[] heldOut(List<EmojiEntry> entries) {
        return heldOut(entries, HELD_OUT_FRACTION, SEED);
    }

    /** Held-out flags for the entries; see the class comment. */
    public static boolean[] heldOut(List<EmojiEntry> entries, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("held-out fraction must be in [0, 1], got " + fraction);
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Map<Integer, List<String>> groupsByCategory = new LinkedHashMap<>();
        Map<Integer, Integer> imagesByCategory = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            EmojiEntry e = entries.get(i);
            List<Integer> members = groups.computeIfAbsent(e.group(), g -> new ArrayList<>());
            if (members.isEmpty()) {
                groupsByCategory.computeIfAbsent(e.category(), c -> new ArrayList<>()).add(e.group());
            }
            members.add(i);
            imagesByCategory.merge(e.category(), 1, Integer::sum);
        }
        boolean[] held = new boolean[entries.size()];
        for (Map.Entry<Integer, List<String>> c : groupsByCategory.entrySet()) {
            long quota = Math.round(fraction * imagesByCategory.get(c.getKey()));
            List<String> order = new ArrayList<>(c.getValue());
            order.sort(Comparator.<String>comparingLong(g -> hash(g, seed)).thenComparing(Comparator.naturalOrder()));
            long taken = 0;
            for (String g : order) {
                if (taken == quota) {
                    break;
                }
                List<Integer> members = groups.get(g);
                if (taken + members.size() <= quota) {
                    members.forEach(i -> held[i] = true);
                    taken += members.size();
                }
            }
        }
        return held;
    }

    /** FNV-1a over the UTF-8 bytes of the code points, seeded, then the SplitMix64 finaliser. */
    static long hash(String codePoints, long seed) {
        long h = 0xCBF29CE484222325L ^ seed;
        for (byte b : codePoints.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}

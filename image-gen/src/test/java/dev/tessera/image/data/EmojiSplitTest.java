package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmojiSplitTest {

    /** Category 0: 100 single emoji; 1: 10 bases with 5 variants each (60 images); 2: 5 single emoji. */
    private static List<EmojiEntry> synthetic() {
        List<EmojiEntry> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String u = String.format("1F%03X", i);
            out.add(new EmojiEntry(u, "e" + i, "E" + i, 0, 0, u + ".png", u));
        }
        for (int i = 0; i < 10; i++) {
            String base = String.format("1F4%02X", i);
            out.add(new EmojiEntry(base, "p" + i, "P" + i, 1, 1, base + ".png", base));
            for (int t = 0; t < 5; t++) {
                String v = base + "-1F3F" + "BCDEF".charAt(t);
                out.add(new EmojiEntry(v, "p" + i, "P" + i, 1, 1, v + ".png", base));
            }
        }
        for (int i = 0; i < 5; i++) {
            String u = String.format("1F5%02X", i);
            out.add(new EmojiEntry(u, "f" + i, "F" + i, 2, 2, u + ".png", u));
        }
        return out;
    }

    private static Set<String> heldOutCodes(List<EmojiEntry> entries, boolean[] held) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                out.add(entries.get(i).unified());
            }
        }
        return out;
    }

    @Test
    void heldOutIsTenPercentOfEachCategoryWithVariantsTogether() {
        List<EmojiEntry> entries = synthetic();
        boolean[] held = EmojiSplit.heldOut(entries);
        int[] perCategory = new int[3];
        Map<String, Set<Boolean>> sidesByGroup = new HashMap<>();
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                perCategory[entries.get(i).category()]++;
            }
            sidesByGroup.computeIfAbsent(entries.get(i).group(), g -> new HashSet<>()).add(held[i]);
        }
        // round(0.1 x 100) = 10, round(0.1 x 60) = 6 (one whole group), round(0.1 x 5) = 1.
        assertArrayEquals(new int[] {10, 6, 1}, perCategory);
        sidesByGroup.forEach((g, sides) -> assertEquals(1, sides.size(), "group " + g + " is split"));
    }

    @Test
    void splitDependsOnCodePointsNotOnFileOrder() {
        List<EmojiEntry> entries = synthetic();
        Set<String> first = heldOutCodes(entries, EmojiSplit.heldOut(entries));
        List<EmojiEntry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(3));
        assertEquals(first, heldOutCodes(shuffled, EmojiSplit.heldOut(shuffled)));
        // Another seed gives another split of the same sizes.
        Set<String> other = heldOutCodes(entries, EmojiSplit.heldOut(entries, 0.1, 99));
        assertEquals(first.size(), other.size());
        assertNotEquals(first, other);
    }
}

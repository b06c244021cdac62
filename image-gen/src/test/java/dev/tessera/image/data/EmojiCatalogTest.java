package dev.tessera.image.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmojiCatalogTest {

    static final String CATEGORIES = """
            {"Smileys & Emotion": {"face-smiling": ["grinning"], "face-unused": []},
             "People & Body": {"hand-fingers-open": ["wave"]},
             "Flags": {"country-flag": ["flag-ch"]}}""";

    static final String EMOJI = """
            [{"unified": "1F44B", "short_name": "wave", "name": "WAVING HAND SIGN", "image": "1f44b.png",
              "category": "People & Body", "subcategory": "hand-fingers-open", "sort_order": 5, "has_img_google": true,
              "skin_variations": {
                "1F3FB": {"unified": "1F44B-1F3FB", "image": "1f44b-1f3fb.png", "has_img_google": true},
                "1F3FC": {"unified": "1F44B-1F3FC", "image": "1f44b-1f3fc.png", "has_img_google": false}}},
             {"unified": "1F600", "short_name": "grinning", "name": "GRINNING FACE", "image": "1f600.png",
              "category": "Smileys & Emotion", "subcategory": "face-smiling", "sort_order": 1, "has_img_google": true},
             {"unified": "1F1E8-1F1ED", "short_name": "flag-ch", "image": "1f1e8-1f1ed.png",
              "category": "Flags", "subcategory": "country-flag", "sort_order": 9, "has_img_google": false}]""";

    @Test
    void entriesFollowSortOrderWithVariantsAfterTheirBase() {
        EmojiCatalog c = EmojiCatalog.parse(EMOJI, CATEGORIES);
        // Flags has no image, so it is not a class; the unused subcategory is dropped too.
        assertEquals(List.of("Smileys & Emotion", "People & Body"), c.categories());
        assertEquals(List.of("face-smiling", "hand-fingers-open"), c.subcategories());
        assertEquals(3, c.entries().size());
        EmojiEntry grin = c.entries().get(0);
        assertEquals("1F600", grin.unified());
        assertEquals(0, grin.category());
        assertFalse(grin.isVariant());
        EmojiEntry wave = c.entries().get(1);
        EmojiEntry waveLight = c.entries().get(2);
        assertEquals("1F44B-1F3FB", waveLight.unified());
        assertEquals("1F44B", waveLight.group());
        assertEquals(wave.category(), waveLight.category());
        assertEquals(1, waveLight.subcategory());
        assertEquals("wave", waveLight.shortName());
        assertTrue(waveLight.isVariant());
    }
}

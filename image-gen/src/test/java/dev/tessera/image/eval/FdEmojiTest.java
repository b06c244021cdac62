package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FdEmojiTest {

    @Test
    void classMatchedSubsetHasTheTargetHistogramWithoutRepeatsWhereItCan() {
        int[] target = {0, 0, 1, 2, 2, 2};
        int[] train = {0, 1, 1, 0, 2, 2, 2, 2, 0, 1};
        int[] subset = FdEmoji.classMatchedSubset(target, train, new SplittableRandom(3));
        int[] counts = new int[3];
        for (int i : subset) {
            counts[train[i]]++;
        }
        assertArrayEquals(new int[] {2, 1, 3}, counts);
        assertEquals(subset.length, Arrays.stream(subset).distinct().count());
        // A class with fewer training than target images is drawn with replacement; none at all is an error.
        int[] repeated = FdEmoji.classMatchedSubset(new int[] {1, 1, 1}, new int[] {0, 1}, new SplittableRandom(1));
        assertArrayEquals(new int[] {1, 1, 1}, repeated);
        assertThrows(IllegalArgumentException.class,
                () -> FdEmoji.classMatchedSubset(new int[] {2}, new int[] {0, 1}, new SplittableRandom(1)));
    }
}

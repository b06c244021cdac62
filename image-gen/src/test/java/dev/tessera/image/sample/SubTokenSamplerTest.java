package dev.tessera.image.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The host-side draw on hand-made distributions: no engine needed. */
class SubTokenSamplerTest {

    private static boolean[] kept(double[] logits) {
        boolean[] k = new boolean[logits.length];
        for (int i = 0; i < logits.length; i++) {
            k[i] = logits[i] != Double.NEGATIVE_INFINITY;
        }
        return k;
    }

    @Test
    void topKKeepsExactlyTheKLargestWithTiesToTheLowerIndex() {
        double[] l = {0.5, 3.0, -1.0, 2.0, 2.0, 2.0, 7.0, 0.0};
        double[] k3 = l.clone();
        SubTokenSampler.keepTopK(k3, 3);
        // 7.0 and 3.0 are above the threshold 2.0; of the three 2.0s the first (index 3) stays.
        assertArrayEquals(new boolean[] {false, true, false, true, false, false, true, false}, kept(k3));
        assertEquals(3.0, k3[1]);  // kept values are untouched
        double[] k1 = l.clone();
        SubTokenSampler.keepTopK(k1, 1);
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, true, false}, kept(k1));
        double[] off = l.clone();
        SubTokenSampler.keepTopK(off, 0);
        assertArrayEquals(l, off);
        double[] all = l.clone();
        SubTokenSampler.keepTopK(all, 100);
        assertArrayEquals(l, all);
    }

    @Test
    void topPKeepsTheSmallestSetThatReachesP() {
        // probabilities 0.5, 0.25, 0.15, 0.1 (as log-probabilities, shuffled)
        double[] l = {Math.log(0.15), Math.log(0.5), Math.log(0.1), Math.log(0.25)};
        double[] p50 = l.clone();
        SubTokenSampler.keepTopP(p50, 0.45);       // 0.5 alone reaches 0.45
        assertArrayEquals(new boolean[] {false, true, false, false}, kept(p50));
        double[] p60 = l.clone();
        SubTokenSampler.keepTopP(p60, 0.6);        // 0.5 < 0.6 <= 0.75
        assertArrayEquals(new boolean[] {false, true, false, true}, kept(p60));
        double[] p80 = l.clone();
        SubTokenSampler.keepTopP(p80, 0.8);        // 0.75 < 0.8 <= 0.9
        assertArrayEquals(new boolean[] {true, true, false, true}, kept(p80));
        double[] p95 = l.clone();
        SubTokenSampler.keepTopP(p95, 0.95);
        assertArrayEquals(new boolean[] {true, true, true, true}, kept(p95));
        double[] tiny = l.clone();
        SubTokenSampler.keepTopP(tiny, 1e-9);      // at least one value always stays
        assertArrayEquals(new boolean[] {false, true, false, false}, kept(tiny));
        assertThrows(IllegalArgumentException.class, () -> SubTokenSampler.keepTopP(l.clone(), 0));
    }

    @Test
    void filtersApplyInTheSpecsOrderAndRenormalize() {
        SubTokenSampler s = new SubTokenSampler(4);
        float[] l = {(float) Math.log(0.15), (float) Math.log(0.5), (float) Math.log(0.1), (float) Math.log(0.25)};
        // top-k 3 drops 0.1; the rest renormalize to 0.15/0.9, 0.5/0.9, 0.25/0.9; top-p 0.8 then keeps
        // 0.5/0.9 = 0.556 and 0.25/0.9 (0.833 >= 0.8): 2/3 and 1/3.
        double[] p = s.probabilities(l, 0, null, 0, new SubTokenSampling(1, 1, 3, 0.8));
        assertArrayEquals(new double[] {0, 2.0 / 3, 0, 1.0 / 3}, p, 1e-6);
        // temperature 2 flattens: p ~ sqrt(p) renormalized
        double[] t2 = s.probabilities(l, 0, null, 0, new SubTokenSampling(1, 2, 0, 1)).clone();
        double z = Math.sqrt(0.15) + Math.sqrt(0.5) + Math.sqrt(0.1) + Math.sqrt(0.25);
        assertArrayEquals(new double[] {Math.sqrt(0.15) / z, Math.sqrt(0.5) / z, Math.sqrt(0.1) / z,
                Math.sqrt(0.25) / z}, t2, 1e-6);
    }

    @Test
    void cfgScaleOneIsTheConditionalDistributionAndOtherScalesMix() {
        SubTokenSampler s = new SubTokenSampler(5);
        float[] rows = {0.3f, -1.2f, 2.0f, 0.7f, 0.1f, /* uncond */ 1.5f, 0.2f, -0.4f, 0.9f, -2.0f};
        double[] conditional = s.probabilities(rows, 0, null, 0, SubTokenSampling.PLAIN).clone();
        double[] guided1 = s.probabilities(rows, 0, rows, 5, SubTokenSampling.PLAIN.withCfgScale(1)).clone();
        assertArrayEquals(conditional, guided1, 1e-12);
        double[] unconditional = s.probabilities(rows, 5, null, 0, SubTokenSampling.PLAIN).clone();
        assertArrayEquals(unconditional, s.probabilities(rows, 0, rows, 5, SubTokenSampling.PLAIN.withCfgScale(0)), 1e-12);
        // s = 3: logits l_u + 3 (l_c - l_u)
        double[] expected = new double[5];
        for (int i = 0; i < 5; i++) {
            expected[i] = rows[5 + i] + 3.0 * ((double) rows[i] - rows[5 + i]);
        }
        SubTokenSampler.softmaxInPlace(expected);
        assertArrayEquals(expected, s.probabilities(rows, 0, rows, 5, SubTokenSampling.PLAIN.withCfgScale(3)), 1e-9);
    }

    @Test
    void topKOneIsArgmaxAndDrawsFollowTheProbabilities() {
        SubTokenSampler s = new SubTokenSampler(4);
        float[] l = {0.1f, 2.5f, 2.4f, -3f};
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            assertEquals(1, s.sample(l, 0, null, 0, new SubTokenSampling(1, 5, 1, 1), r));
        }
        int[] counts = new int[4];
        int n = 40_000;
        double[] p = s.probabilities(l, 0, null, 0, SubTokenSampling.PLAIN).clone();
        for (int i = 0; i < n; i++) {
            counts[s.sample(l, 0, null, 0, SubTokenSampling.PLAIN, r)]++;
        }
        for (int i = 0; i < 4; i++) {
            double sd = Math.sqrt(p[i] * (1 - p[i]) / n);
            assertEquals(p[i], counts[i] / (double) n, 5 * sd + 1e-9, "value " + i);
        }
        assertTrue(counts[3] < counts[0]);
    }

    @Test
    void settingsAreCheckedWithTheirNames() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SubTokenSampling(1, 0, 0, 1)).getMessage()
                .startsWith("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SubTokenSampling(1, 1, -1, 1)).getMessage()
                .startsWith("topK"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SubTokenSampling(1, 1, 0, 1.5)).getMessage()
                .startsWith("topP"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SubTokenSampling(-1, 1, 0, 1)).getMessage()
                .startsWith("cfgScale"));
    }
}

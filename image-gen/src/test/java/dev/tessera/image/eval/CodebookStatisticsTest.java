package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodebookStatisticsTest {

    @Test
    void smallHistogramGivesHandComputedFigures() {
        // Codes 0, 0, 1, 3 of 2 bits: 3 of 4 used, p = (1/2, 1/4, 1/4) -> H = 1.5 bits, perplexity 2^1.5.
        CodebookStatistics s = CodebookStatistics.of(new long[] {0, 0, 1, 3}, 2);
        assertEquals(3, s.distinct());
        assertEquals(0.75, s.usage(), 0);
        assertEquals(1 - Math.exp(-1), s.uniformCoverage(), 1e-15);
        assertEquals(1.5, s.entropyBits(), 1e-12);
        assertEquals(Math.pow(2, 1.5), s.perplexity(), 1e-12);
        assertEquals(4.0, s.perplexityCeiling(), 0);
        // Bit 0 is set in 1 and 3 (balanced); bit 1 only in 3: mean (1 - 3) / 4 = -0.5.
        assertArrayEquals(new double[] {0.0, -0.5}, s.bitMeans(), 0);
        assertEquals(0.5, s.maxBitBias(), 0);
        assertFalse(s.collapseAlert());
    }

    @Test
    void aConstantBitRaisesTheCollapseAlert() {
        CodebookStatistics s = CodebookStatistics.of(new long[] {1, 3, 5, 7, 1, 3}, 3);
        assertEquals(1.0, s.bitMeans()[0], 0);
        assertTrue(s.collapseAlert());
        // The uniform-coverage ceiling at the spec's held-out size: 77% at K = 14 with 24,256 tokens.
        assertEquals(0.772, CodebookStatistics.of(new long[24_256], 14).uniformCoverage(), 5e-4);
    }

    @Test
    void tokensOutsideTheCodebookAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodebookStatistics.of(new long[] {4}, 2));
        assertTrue(e.getMessage().contains("outside [0, 4)"), e.getMessage());
    }
}

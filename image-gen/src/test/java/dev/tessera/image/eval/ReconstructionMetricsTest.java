package dev.tessera.image.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconstructionMetricsTest {

    private static final int SIZE = 32;
    private static final int PER = 3 * SIZE * SIZE;

    private static float[] randomImages(int n, long seed, float low, float high) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n * PER];
        for (int i = 0; i < out.length; i++) {
            out[i] = low + (high - low) * (float) r.nextDouble();
        }
        return out;
    }

    @Test
    void identicalImagesHaveInfinitePsnrAndSsimOne() {
        float[] x = randomImages(3, 1, 0f, 1f);
        assertEquals(Double.POSITIVE_INFINITY, ReconstructionMetrics.psnr(x, x.clone(), SIZE));
        assertEquals(1.0, ReconstructionMetrics.ssim(x, x.clone(), SIZE), 1e-12);
    }

    @Test
    void constantOffsetGivesTheFormulasValues() {
        // PSNR of an offset d: MSE = d^2, PSNR = 10 log10(1 / d^2) = 20 dB at d = 0.1.
        float[] x = randomImages(2, 2, 0.2f, 0.7f);
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += 0.1f;
        }
        assertEquals(20.0, ReconstructionMetrics.psnr(x, y, SIZE), 1e-5);
        // SSIM of constant images a and a + d: no variance, so only the luminance term is left,
        // (2 a (a + d) + C1) / (a^2 + (a + d)^2 + C1) = 0.6001 / 0.6101 at a = 0.5, d = 0.1.
        float[] a = new float[PER];
        float[] b = new float[PER];
        Arrays.fill(a, 0.5f);
        Arrays.fill(b, 0.6f);
        double expected = (2 * 0.5 * 0.6 + 1e-4) / (0.25 + 0.36 + 1e-4);
        assertEquals(0.98360924438616620, expected, 1e-15);
        assertEquals(expected, ReconstructionMetrics.ssim(a, b, SIZE), 1e-7);
    }

    @Test
    void psnrIsTheMeanOverImagesOfEachImagesPsnr() {
        // Image 0 off by 0.1 everywhere (20 dB), image 1 off by 0.01 (40 dB): mean 30 dB.
        float[] x = new float[2 * PER];
        float[] y = new float[2 * PER];
        Arrays.fill(x, 0.5f);
        for (int i = 0; i < PER; i++) {
            y[i] = 0.5f + 0.1f;
            y[PER + i] = 0.5f - 0.01f;
        }
        assertArrayEquals(new double[] {20, 40}, ReconstructionMetrics.psnrPerImage(x, y, SIZE), 1e-4);
        assertEquals(30.0, ReconstructionMetrics.psnr(x, y, SIZE), 1e-4);
    }

    @Test
    void ssimFallsWithNoiseAndIgnoresNothingButTheValidWindow() {
        float[] x = randomImages(1, 3, 0f, 1f);
        float[] noisy = x.clone();
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) (0.2 * r.nextGaussian());
        }
        double s = ReconstructionMetrics.ssim(x, noisy, SIZE);
        assertTrue(s < 0.9 && s > 0, "SSIM " + s);
        // The window is a normalized, symmetric Gaussian of sigma 1.5.
        double[] g = ReconstructionMetrics.gaussian(11, 1.5);
        assertEquals(1.0, Arrays.stream(g).sum(), 1e-15);
        assertEquals(g[0], g[10], 0);
        assertEquals(Math.exp(-25 / 4.5) / Math.exp(0), g[0] / g[5], 1e-15);
    }

    @Test
    void mismatchedOrTooSmallImagesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReconstructionMetrics.psnr(new float[PER], new float[2 * PER], SIZE));
        assertTrue(e.getMessage().contains("3072 and 6144"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReconstructionMetrics.ssim(new float[3 * 64], new float[3 * 64], 8));
    }
}

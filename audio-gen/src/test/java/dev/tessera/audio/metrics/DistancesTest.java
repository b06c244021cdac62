package dev.tessera.audio.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.core.engine.Engines;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DistancesTest {

    private static final MultiResolutionStftDistance MSTFT = new MultiResolutionStftDistance();
    private static final LogMelDistance MEL_L1 = new LogMelDistance();

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** A harmonic tone over white noise, so no bin of any resolution falls to the magnitude floor. */
    static float[] toneInNoise(int n, double f0, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0.05 * (r.nextDouble() * 2 - 1);
            for (int h = 1; h <= 6; h++) {
                v += 0.2 / h * Math.sin(2 * Math.PI * f0 * h * i / 22050);
            }
            x[i] = (float) v;
        }
        return x;
    }

    @Test
    void identicalSignalsAreAtDistanceZero() {
        float[] x = toneInNoise(11_025, 220, 1);
        assertEquals(0.0, MSTFT.distance(x, x.clone()), 1e-7);
        assertEquals(0.0, MEL_L1.distance(x, x.clone()), 1e-7);
    }

    @Test
    void halvingTheLevelCostsOneHalfPlusLnTwo() {
        float[] x = toneInNoise(11_025, 220, 2);
        float[] half = x.clone();
        for (int i = 0; i < half.length; i++) {
            half[i] *= 0.5f;
        }
        // Per resolution: spectral convergence ‖Y − Y/2‖/‖Y‖ = 1/2, mean |ln Y − ln(Y/2)| = ln 2.
        double mstft = MSTFT.distance(x, half);
        double mel = MEL_L1.distance(x, half);
        System.out.printf(Locale.ROOT, "level halved: M-STFT %.5f (expected %.5f), log-mel L1 %.5f (ln 2 = %.5f)%n",
                mstft, 0.5 + Math.log(2), mel, Math.log(2));
        assertEquals(0.5 + Math.log(2), mstft, 1e-3);
        assertEquals(Math.log(2), mel, 1e-3);
    }

    @Test
    void aDetunedToneIsFartherThanANoisierCopyAndLongerOutputsAreCropped() {
        float[] x = toneInNoise(11_025, 220, 3);
        float[] detuned = toneInNoise(11_025, 233, 3);
        float[] noisier = x.clone();
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < noisier.length; i++) {
            noisier[i] += (float) (0.005 * (r.nextDouble() * 2 - 1));
        }
        double far = MSTFT.distance(x, detuned);
        double near = MSTFT.distance(x, noisier);
        System.out.printf(Locale.ROOT, "M-STFT: 220 vs 233 Hz %.4f, 220 vs 220 + noise at -20 dB %.4f%n", far, near);
        assertTrue(far > 3 * near, "detuned " + far + " vs noisier " + near);
        float[] longer = Arrays.copyOf(x, x.length + 700);
        longer[x.length + 10] = 1f;
        assertEquals(0.0, MSTFT.distance(x, longer), 1e-7);
        assertEquals(0.0, MEL_L1.distance(x, longer), 1e-7);
    }

    @Test
    void realTimeFactorIsTheMedianComputeOverAudioTime() {
        int[] calls = {0};
        RealTimeFactor rtf = RealTimeFactor.measure(() -> {
            calls[0]++;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 2.0, 1, 5);
        System.out.println("RealTimeFactor of a 20 ms job per 2 s of audio: " + rtf);
        assertEquals(6, calls[0]); // one warm-up, five timed runs
        assertTrue(rtf.medianSeconds() >= 0.02 && rtf.medianSeconds() < 0.2, rtf.toString());
        assertEquals(rtf.medianSeconds() / 2.0, rtf.rtf(), 1e-12);
        assertEquals(1 / rtf.rtf(), rtf.timesRealTime(), 1e-9);
        assertEquals(1e9 / rtf.medianSeconds() / 1e9, rtf.gmacPerSecond(1e9), 1e-9);
    }
}

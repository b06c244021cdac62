package dev.tessera.audio.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import be.tarsos.dsp.pitch.Yin;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PitchMetricsTest {

    private static final int SR = 22_050;

    /** Harmonic tone (10 harmonics, amplitude 1/h, total peak below 1) following f0(i) Hz. */
    static float[] harmonic(int n, java.util.function.IntToDoubleFunction f0) {
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int h = 1; h <= 10; h++) {
                v += 0.15 / h * Math.sin(h * phase);
            }
            x[i] = (float) v;
            phase += 2 * Math.PI * f0.applyAsDouble(i) / SR;
        }
        return x;
    }

    @Test
    void identicalSignalsScoreZeroErrorAndPerfectVoicing() {
        float[] x = harmonic(SR, i -> 220);
        PitchScores s = PitchMetrics.compare(x, x.clone());
        assertEquals(0.0, s.f0RmseCents(), 0.0);
        assertEquals(1.0, s.vuvF1(), 0.0);
        assertEquals(0.0, s.periodicityError(), 0.0);
        assertEquals(86, s.frames());
        // YIN finds no pitch in the first and last frame, where the reflected padding breaks the period.
        assertEquals(84, s.framesVoicedInBoth());
    }

    @Test
    void aToneAt233HertzAgainstOneAt220IsAboutOneHundredCents() {
        PitchScores s = PitchMetrics.compare(harmonic(SR, i -> 220), harmonic(SR, i -> 233));
        double expected = 1200 * Math.log(233.0 / 220) / Math.log(2); // 99.4 cents
        System.out.printf(Locale.ROOT, "220 vs 233 Hz: F0 RMSE %.2f cents (exact %.2f), V/UV F1 %.3f%n",
                s.f0RmseCents(), expected, s.vuvF1());
        assertEquals(expected, s.f0RmseCents(), 1.0);
        assertEquals(1.0, s.vuvF1(), 0.0);
    }

    @Test
    void aSweepFrom80To400HertzIsTrackedWithinFiveCents() {
        int n = 2 * SR;
        // Exponential glide: f(i) = 80·5^(i/n), 1.16 octaves per second.
        float[] x = harmonic(n, i -> 80 * Math.pow(5, i / (double) n));
        PitchTrack track = new PitchTracker().track(x);
        double sumSq = 0;
        int count = 0;
        for (int t = 0; t < track.frames(); t++) {
            if (!track.pitched()[t]) {
                continue;
            }
            // YIN compares samples j and j + τ for j < 512 in the frame: its estimate belongs near the
            // middle of that stretch, frame start + 256 + τ/2 (original samples: frame start = 256t − 384).
            double tau = SR / (double) track.f0Hz()[t];
            double at = 256.0 * t - 384 + 256 + tau / 2;
            if (at < 0 || at >= n) {
                continue;
            }
            double truth = 80 * Math.pow(5, at / n);
            double cents = 1200 * Math.log(track.f0Hz()[t] / truth) / Math.log(2);
            sumSq += cents * cents;
            count++;
        }
        double rmse = Math.sqrt(sumSq / count);
        System.out.printf(Locale.ROOT, "80->400 Hz sweep: F0 RMSE %.2f cents over %d of %d frames%n", rmse, count,
                track.frames());
        assertTrue(count >= track.frames() - 4, "only " + count + " frames pitched");
        assertTrue(rmse <= 5, "F0 RMSE " + rmse + " cents");
    }

    @Test
    void voicingF1CountsFramesTheOutputLosesToNoise() {
        float[] ref = harmonic(SR, i -> 180);
        float[] out = ref.clone();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = SR / 2; i < SR; i++) {
            out[i] = (float) (0.3 * (r.nextDouble() * 2 - 1)); // second half: loud noise, no pitch
        }
        PitchScores s = PitchMetrics.compare(ref, out);
        // 86 frames voiced in the reference, about 43 lost: F1 = 2·43 / (2·43 + 43) = 2/3.
        System.out.printf(Locale.ROOT, "half noise: V/UV F1 %.3f, voiced in both %d, periodicity error %.3f%n",
                s.vuvF1(), s.framesVoicedInBoth(), s.periodicityError());
        assertEquals(2.0 / 3, s.vuvF1(), 0.04);
        assertEquals(0.0, s.f0RmseCents(), 1.0);
        assertTrue(s.periodicityError() > 0.3, "periodicity error " + s.periodicityError());
    }

    @Test
    void periodicityInDoubleAgreesWithYinsProbabilityAtItsLag() {
        float[] x = harmonic(SR / 2, i -> 150 + 100 * i / (double) SR);
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (0.02 * (r.nextDouble() * 2 - 1));
        }
        float[] padded = PitchTracker.pad(x);
        Yin yin = new Yin(SR, 1024, 0.15);
        float[] frame = new float[1024];
        int checked = 0;
        double worst = 0;
        for (int t = 0; (t * 256 + 1024) <= padded.length; t++) {
            System.arraycopy(padded, t * 256, frame, 0, 1024);
            var result = yin.getPitch(frame);
            if (!result.isPitched()) {
                continue;
            }
            double[] d = PitchTracker.normalizedDifference(frame);
            int tau = 2; // TarsosDSP's rule: first lag under the threshold, then down the slope
            while (tau < d.length && d[tau] >= 0.15) {
                tau++;
            }
            while (tau + 1 < d.length && d[tau + 1] < d[tau]) {
                tau++;
            }
            worst = Math.max(worst, Math.abs((1 - d[tau]) - result.getProbability()));
            checked++;
        }
        System.out.printf(Locale.ROOT, "1 - d'(tau) vs YIN probability: max |delta| %.2e over %d frames%n", worst,
                checked);
        assertTrue(checked > 30, "only " + checked + " pitched frames");
        assertTrue(worst <= 1e-5, "max |delta| " + worst);
    }
}

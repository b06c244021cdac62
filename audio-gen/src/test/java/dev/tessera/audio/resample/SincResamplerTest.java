package dev.tessera.audio.resample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.AudioInputException;
import org.junit.jupiter.api.Test;

class SincResamplerTest {

    private static float[] ours(float[] x, int fs) {
        return SincResampler.of(fs, SincResampler.MODEL_RATE).process(x);
    }

    @Test
    void meetsTheSpecAcceptanceTestsFromEveryRate() {
        ResamplerAcceptance.Figures f = ResamplerAcceptance.measure(SincResamplerTest::ours);
        System.out.println("SincResampler acceptance figures:\n" + f);
        // Spec: ±0.1 dB, ≤ −60 dB, ±1 sample, ≤ 1 sample. Measured: ≤ 0.0002 dB, −103.7 dB, 0, 0.
        assertTrue(f.worstLevelDb() <= 0.001, f.toString());
        assertTrue(f.alias15kFrom48kDb() <= -100, f.toString());
        assertEquals(0, f.worstLengthError(), f.toString());
        assertEquals(0, f.worstClickShift(), f.toString());
    }

    @Test
    void leavesLessThanMinus105DecibelsOfNoiseAndDistortion() {
        // Measured: 8 kHz −114.9 dB, 16 kHz −116.2 dB, 48 kHz −123.1 dB (3 kHz tone).
        for (int fs : new int[] {8_000, 16_000, 48_000}) {
            double r = ResamplerAcceptance.residualDb(SincResamplerTest::ours, fs, 3000);
            assertTrue(r < -105, fs + " Hz: residual " + r + " dB");
        }
    }

    @Test
    void oddRatesUseInterpolatedPhasesWithoutLosingQuality() {
        // 8009 Hz is prime: 22,050 output phases, more than the exact table holds.
        float[] y = ours(ResamplerAcceptance.tone(8009, 8009, 1000), 8009);
        assertEquals(Math.round(8009 * 22050.0 / 8009), y.length);
        assertTrue(Math.abs(ResamplerAcceptance.levelDb(y, 1000)) < 0.001);
        double r = ResamplerAcceptance.residualDb(SincResamplerTest::ours, 8009, 3000);
        System.out.println("8009 Hz residual " + r + " dB");
        assertTrue(r < -100, "residual " + r + " dB");
    }

    @Test
    void theModelRatePassesThroughUntouchedAndBadRatesAreRejected() {
        float[] x = {1, 2, 3};
        assertSame(x, SincResampler.toModelRate(x, 22050));
        AudioInputException e = assertThrows(AudioInputException.class, () -> SincResampler.toModelRate(x, 7000));
        assertEquals("bad_input", e.code());
        assertEquals(1103, SincResampler.outputLength(1000, 20000, 22050)); // 1102.5 rounds up
    }
}

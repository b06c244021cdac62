package dev.tessera.audio.resample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import be.tarsos.dsp.resample.Resampler;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Why Tessera does not use TarsosDSP's resampler (audio spec 1.1 asks us to try it first). Measured on
 * the same harness as {@link SincResamplerTest}, TarsosDSP 2.4.1 in high-quality mode:
 *
 * <pre>
 *   8000 Hz: 1 kHz +0.0030 dB, 3200 Hz -0.0568 dB, length +1, click +0
 *  16000 Hz: 1 kHz +0.0033 dB, 6400 Hz -0.0568 dB, length +2, click +0
 *  24000 Hz: 1 kHz +0.0021 dB, 8000 Hz -0.0031 dB, length +1, click +0
 *  44100 Hz: 1 kHz +0.0003 dB, 8000 Hz -0.0026 dB, length +0, click +0
 *  48000 Hz: 1 kHz +0.0021 dB, 8000 Hz -0.0031 dB, length +1, click +0
 *  15 kHz from 48 kHz: -82.9 dB
 *  noise + distortion of a 3 kHz tone: -74.7 dB (8 kHz), -74.9 dB (16 kHz), -82.6 dB (48 kHz)
 *  aliasing of 12 kHz from 48 kHz: -73.0 dB
 * </pre>
 *
 * It fails the length test from 16 kHz (+2 samples), and even with its output cropped it is 30–40 dB
 * noisier than {@link SincResampler} (its filter table is read without interpolation) and about 3×
 * slower. If a TarsosDSP upgrade changes these figures, this test says so.
 */
class TarsosResamplerAcceptanceTest {

    static float[] tarsos(float[] x, int fs) {
        double factor = 22050.0 / fs;
        Resampler r = new Resampler(true, factor, factor);
        float[] out = new float[(int) (x.length * factor) + 4096];
        Resampler.Result res = r.process(factor, x, 0, x.length, true, out, 0, out.length);
        return Arrays.copyOf(out, res.outputSamplesGenerated);
    }

    @Test
    void tarsosMissesTheLengthTestAndIsNoisierThanOurs() {
        ResamplerAcceptance.Figures f = ResamplerAcceptance.measure(TarsosResamplerAcceptanceTest::tarsos);
        System.out.println("TarsosDSP Resampler acceptance figures:\n" + f);
        assertEquals(2, f.worstLengthError(), f.toString()); // spec allows 1
        assertTrue(f.worstLevelDb() < 0.1, f.toString());
        assertTrue(f.alias15kFrom48kDb() < -60, f.toString());
        double residual = ResamplerAcceptance.residualDb(TarsosResamplerAcceptanceTest::tarsos, 8000, 3000);
        assertTrue(residual > -80 && residual < -70, "residual " + residual + " dB");
    }
}

package dev.tessera.audio.mel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.wav.AudioInputException;
import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.core.engine.Engines;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MelFrontEndTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    private static float[] tones(int n, int rate) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * 2500 * t));
        }
        return x;
    }

    @Test
    void aFortyEightKilohertzFileGivesTheMelOfTheSameToneAt22050() {
        byte[] wav = WavWriter.write(tones(48_000, 48_000), 48_000, WavEncoding.FLOAT_32);
        MelFrontEnd frontEnd = new MelFrontEnd();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray viaFile = frontEnd.logMel(wav, m);
            assertEquals(new Shape(1, 80, 22_050 / 256), viaFile.getShape());
            NDArray direct = MelSpectrogram.hifiGan().logMel(m.create(tones(22_050, 22_050), new Shape(1, 22_050)));
            // Compare where there is energy (near-silent bins sit at the log floor and amplify tiny differences),
            // away from the first and last two frames, where band-limiting the abrupt start and end rings.
            String frames = ":, :, 2:" + (22_050 / 256 - 2);
            NDArray loud = direct.get(frames).gt(-5);
            float worst = viaFile.get(frames).sub(direct.get(frames)).abs().mul(loud).max().getFloat();
            System.out.printf(Locale.ROOT, "48 kHz WAV -> 22.05 kHz log-mel vs direct: max |delta| %.2e on %d bins%n",
                    worst, loud.sum().getLong());
            assertTrue(worst < 1e-4, "max |delta log-mel| " + worst); // measured 7e-6
        }
    }

    @Test
    void badInputIsRefusedBeforeAnyTensorAndPeakNormalisationScalesToPointNineFive() {
        assertThrows(AudioInputException.class, () -> new MelFrontEnd().samples(new byte[] {'n', 'o', 'p', 'e'}));
        float[] y = MelFrontEnd.peakNormalized(new float[] {0.1f, -0.5f, 0.25f});
        assertEquals(-0.95f, y[1], 1e-7f);
        assertEquals(0.19f, y[0], 1e-7f);
        assertEquals(0f, MelFrontEnd.peakNormalized(new float[] {0f, 0f})[1], 0f);
    }
}

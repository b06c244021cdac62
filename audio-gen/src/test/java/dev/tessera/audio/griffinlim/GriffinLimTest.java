package dev.tessera.audio.griffinlim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.wav.AudioInputException;
import dev.tessera.core.engine.Engines;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GriffinLimTest {

    private static final MelSpectrogram MEL = MelSpectrogram.hifiGan();
    private static final GriffinLim GL = new GriffinLim(MEL);

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    /** A 220 Hz tone with 8 harmonics of falling amplitude, 1 s at 22,050 Hz. */
    static float[] harmonicTone(double f0, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int h = 1; h <= 8; h++) {
                v += 0.4 / h * Math.sin(2 * Math.PI * f0 * h * i / 22050 + 0.5 * h);
            }
            x[i] = (float) v;
        }
        return x;
    }

    @Test
    void spectralConvergenceImprovesWithIterationsOnAHarmonicTone() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logMel = MEL.logMel(m.create(harmonicTone(220, 11_025), new Shape(1, 11_025)));
            GriffinLim.Result r = GL.reconstruct(logMel, 32, GriffinLim.DEFAULT_MOMENTUM, 1234, true);
            double[] sc = r.spectralConvergence();
            assertEquals(new Shape(1, 43 * 256), r.audio().getShape());
            // Measured: 0.65 after 1 iteration, 0.39 after 2, 0.21 after 8, 0.11 after 32.
            System.out.printf(Locale.ROOT, "Griffin-Lim spectral convergence, 220 Hz tone: iter 1 %.4f, 2 %.4f,"
                    + " 8 %.4f, 32 %.4f%n", sc[0], sc[1], sc[7], sc[31]);
            assertTrue(sc[1] < sc[0], "2 iterations no better than 1");
            assertTrue(sc[7] < sc[1], "8 iterations no better than 2");
            assertTrue(sc[31] < sc[7], "32 iterations no better than 8");
            assertTrue(sc[31] < 0.3 * sc[0], "32 iterations should cut the first error by more than 3x");

            // Re-analysed, the audio comes back near the mel it was made from; the L1 is dominated by the
            // near-silent bins above the 8th harmonic, where Griffin-Lim leaves a little noise.
            NDArray again = MEL.logMel(r.audio());
            double l1 = again.sub(logMel).abs().mean().getFloat();
            System.out.printf(Locale.ROOT, "Griffin-Lim (32 it.) log-mel L1 against its input: %.4f%n", l1);
            assertTrue(l1 < 1.0, "log-mel L1 " + l1);
        }
    }

    @Test
    void theSameSeedGivesTheSameAudio() {
        float[] a = harmonicTone(220, 8192);
        float[] b = harmonicTone(147, 8192);
        float[] both = new float[2 * 8192];
        System.arraycopy(a, 0, both, 0, 8192);
        System.arraycopy(b, 0, both, 8192, 8192);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mel = MEL.logMel(m.create(both, new Shape(2, 8192)));
            float[] first = GL.reconstruct(mel, 4, 0.99, 7, false).audio().toFloatArray();
            float[] second = GL.reconstruct(mel, 4, 0.99, 7, false).audio().toFloatArray();
            assertArrayEquals(first, second, 0f);
            assertEquals(2 * 32 * 256, first.length);
        }
    }

    @Test
    void aMelWithTheWrongNumberOfBinsIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            AudioInputException e = assertThrows(AudioInputException.class,
                    () -> GL.vocode(m.zeros(new Shape(1, 64, 10)), 1));
            assertEquals("bad_input", e.code());
            assertTrue(e.getMessage().contains("expected 80 mel bins, got 64"), e.getMessage());
            NDArray nan = m.full(new Shape(1, 80, 3), Float.NaN);
            assertEquals(AudioInputException.Reason.NON_FINITE_SAMPLE,
                    assertThrows(AudioInputException.class, () -> GL.vocode(nan, 1)).reason());
        }
    }
}

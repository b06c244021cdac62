package dev.tessera.audio.mel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.core.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StftTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void inverseOfForwardReconstructsTheSignal() {
        Stft stft = Stft.hifiGan();
        for (int t : new int[] {22_050, 4096, 1000}) {
            float[] a = MelSpectrogramTest.testSignal(t, 3);
            float[] b = MelSpectrogramTest.testSignal(t, 4);
            float[] both = new float[2 * t];
            System.arraycopy(a, 0, both, 0, t);
            System.arraycopy(b, 0, both, t, t);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(both, new Shape(2, t));
                NDArray spec = stft.forward(x);
                assertEquals(new Shape(2, 513, t / 256, 2), spec.getShape());
                NDArray y = stft.inverse(spec, t);
                assertEquals(new Shape(2, t), y.getShape());
                float worst = y.sub(x).abs().max().getFloat();
                System.out.printf("iSTFT(STFT(x)) max error, T = %d: %.3g%n", t, worst);
                assertTrue(worst <= 1e-5f, "T = " + t + ": max error " + worst);
            }
        }
    }

    @Test
    void centredFramingGivesOneMoreFrameAndAlsoInverts() {
        Stft stft = new Stft(2048, 512, 2048, Stft.Padding.CENTER);
        float[] x = MelSpectrogramTest.testSignal(10_000, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(1, x.length));
            NDArray spec = stft.forward(in);
            assertEquals(10_000 / 512 + 1, spec.getShape().get(2));
            assertEquals(stft.frames(10_000), spec.getShape().get(2));
            float worst = stft.inverse(spec, x.length).sub(in).abs().max().getFloat();
            assertTrue(worst <= 1e-5f, "max error " + worst);
        }
    }

    @Test
    void melPseudoInverseUndoesTheFilterbankAndLeavesHighBinsEmpty() {
        MelFilterbank fb = MelSpectrogram.hifiGan().filterbank();
        float[] p = fb.pseudoInverse(); // (513, 80)
        double worst = 0;
        for (int i = 0; i < 80; i++) {
            for (int j = 0; j < 80; j++) {
                double s = 0;
                for (int k = 0; k < 513; k++) {
                    s += fb.weight(i, k) * p[k * 80 + j];
                }
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        assertTrue(worst < 1e-4, "W·P differs from I by " + worst);
        for (int k = 372; k < 513; k++) { // above 8 kHz (bin 371.5)
            for (int j = 0; j < 80; j++) {
                assertEquals(0f, p[k * 80 + j], 0f);
            }
        }
    }
}

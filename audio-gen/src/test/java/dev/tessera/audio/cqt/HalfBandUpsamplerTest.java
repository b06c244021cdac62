package dev.tessera.audio.cqt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.audio.resample.KaiserSinc;
import dev.tessera.core.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HalfBandUpsamplerTest {

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void isFlatBelowPointFourFiveFsAndRejectsImagesAbovePointFiveFiveFs() {
        double[] h = HalfBandUpsampler.taps();
        assertEquals(127, h.length);
        double ripple = 0;
        for (double f = 0; f <= 0.225; f += 0.0005) { // cycles per output sample; 0.225 = 0.45·fs_in
            ripple = Math.max(ripple, Math.abs(20 * Math.log10(KaiserSinc.response(h, f) / 2)));
        }
        double image = 0;
        for (double f = 0.275; f <= 0.5; f += 0.0005) {
            image = Math.max(image, KaiserSinc.response(h, f) / 2);
        }
        double imageDb = 20 * Math.log10(image);
        System.out.printf("half-band upsampler: ripple %.5f dB to 0.45 fs, images %.1f dB above 0.55 fs%n",
                ripple, imageDb);
        assertTrue(ripple <= 0.001, "ripple " + ripple + " dB");
        assertTrue(imageDb <= -80, "images " + imageDb + " dB");
    }

    @Test
    void keepsEvenSamplesAndInterpolatesAToneBetweenThem() {
        int n = 4096;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 3000 * i / 22050.0 + 0.4));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = new HalfBandUpsampler().upsample(m.create(x, new Shape(1, n))).toFloatArray();
            assertEquals(2 * n, y.length);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], y[2 * i], 0f);
            }
            for (int j = 200; j < 2 * n - 200; j++) { // away from the zero-padded ends
                double expected = 0.5 * Math.sin(2 * Math.PI * 3000 * j / 44100.0 + 0.4);
                worst = Math.max(worst, Math.abs(y[j] - expected));
            }
            assertTrue(worst < 5e-5, "max error " + worst);
        }
    }
}

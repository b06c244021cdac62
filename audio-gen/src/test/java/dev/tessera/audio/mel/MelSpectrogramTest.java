package dev.tessera.audio.mel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import dev.tessera.core.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MelSpectrogramTest {

    private static final int SR = 22050;
    private static final int N_FFT = 1024;
    private static final int HOP = 256;
    private final MelSpectrogram mel = MelSpectrogram.hifiGan();

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void filterbankMatchesTheSpecAnchors() {
        MelFilterbank fb = mel.filterbank();
        double[] e = fb.edgesHz();
        assertEquals(0.0, e[0], 1e-9);
        assertEquals(37.24, e[1], 0.005);
        assertEquals(74.48, e[2], 0.005);
        assertEquals(0.01553, fb.weight(0, 1), 5e-6);
        assertEquals(0.02265, fb.weight(0, 2), 5e-6);
        assertEquals(0.00712, fb.weight(0, 3), 5e-6);
        assertArrayEquals(new int[] {1, 3}, support(fb, 0));
        assertEquals(7698.6, e[80], 0.05);
        assertArrayEquals(new int[] {345, 371}, support(fb, 79));
        assertEquals(8000.0, e[81], 1e-6);
    }

    @Test
    void aSineOnBin47HasMagnitudeANOverFour() {
        double hz = 47.0 * SR / N_FFT; // 1012.06 Hz
        float[] x = new float[SR / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / SR + 0.7));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray spec = mel.stft().forward(m.create(x, new Shape(1, x.length)));
            NDArray mag = Stft.power(spec).sqrt(); // (1, 513, frames)
            int frame = (int) mag.getShape().get(2) / 2;
            float[] column = mag.get("0, :, " + frame).toFloatArray();
            assertEquals(128.0, column[47], 1e-3);
            assertEquals(64.0, column[46], 1e-3);
            assertEquals(64.0, column[48], 1e-3);
            assertEquals(0.0, column[40], 1e-3);
        }
    }

    @Test
    void logMelMatchesAnIndependentDoublePrecisionDft() {
        float[] x = testSignal(2 * SR, 11);
        double[][] reference = DirectLogMel.compute(x);
        float[][] ours = logMel(x);
        assertEquals(reference.length, ours.length);
        double worst = 0;
        for (int t = 0; t < ours.length; t++) {
            for (int m = 0; m < 80; m++) {
                worst = Math.max(worst, Math.abs(ours[t][m] - reference[t][m]));
            }
        }
        System.out.printf("log-mel vs direct double DFT: max |delta| = %.3g over %d frames%n", worst, ours.length);
        assertTrue(worst <= 1e-4, "max |delta log-mel| = " + worst);
    }

    @Test
    void frameCountsAgreeWithTheDirectPathForShortAndLongInputs() {
        for (int t : new int[] {256, 1000, 1024, 44_100}) {
            float[] x = testSignal(t, t);
            double[][] reference = DirectLogMel.compute(x);
            float[][] ours = logMel(x);
            assertEquals(reference.length, ours.length, "T = " + t);
            assertEquals(t <= 384 ? 4 : t / HOP, ours.length, "T = " + t);
            assertEquals(mel.frames(t), ours.length);
            for (int f = 0; f < ours.length; f++) {
                for (int m = 0; m < 80; m++) {
                    assertEquals(reference[f][m], ours[f][m], 1e-4, "T = " + t + " frame " + f + " mel " + m);
                }
            }
        }
    }

    @Test
    void batchedItemsMatchTheirSoloRuns() {
        float[] a = testSignal(4096, 1);
        float[] b = testSignal(4096, 2);
        float[] both = new float[8192];
        System.arraycopy(a, 0, both, 0, 4096);
        System.arraycopy(b, 0, both, 4096, 4096);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = mel.logMel(m.create(both, new Shape(2, 4096)));
            assertEquals(new Shape(2, 80, 16), batch.getShape());
            assertArrayEquals(mel.logMel(m.create(a, new Shape(1, 4096))).toFloatArray(),
                    batch.get("0:1").toFloatArray(), 1e-6f);
            assertArrayEquals(mel.logMel(m.create(b, new Shape(1, 4096))).toFloatArray(),
                    batch.get("1:2").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradientsReachTheWaveform() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(testSignal(2048, 5), new Shape(1, 2048));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = mel.logMel(x).mean();
                gc.backward(loss);
            }
            float[] g = x.getGradient().toFloatArray();
            double norm = 0;
            for (float v : g) {
                assertTrue(Float.isFinite(v));
                norm += v * v;
            }
            assertTrue(norm > 0, "gradient is zero");
        }
    }

    private float[][] logMel(float[] x) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lm = mel.logMel(m.create(x, new Shape(1, x.length))); // (1, 80, frames)
            int frames = (int) lm.getShape().get(2);
            float[] flat = lm.get(0).transpose().toFloatArray(); // (frames, 80)
            float[][] out = new float[frames][80];
            for (int t = 0; t < frames; t++) {
                System.arraycopy(flat, t * 80, out[t], 0, 80);
            }
            return out;
        }
    }

    /** First and last bin with a non-zero weight in a filter. */
    private static int[] support(MelFilterbank fb, int filter) {
        int first = -1;
        int last = -1;
        for (int k = 0; k < fb.bins(); k++) {
            if (fb.weight(filter, k) > 0) {
                first = first < 0 ? k : first;
                last = k;
            }
        }
        return new int[] {first, last};
    }

    /**
     * Tones plus noise, with a silent stretch (second quarter) and a stretch at −60 dB (third quarter).
     */
    static float[] testSignal(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0.3 * Math.sin(2 * Math.PI * 220 * i / SR) + 0.2 * Math.sin(2 * Math.PI * 1733.3 * i / SR + 1)
                    + 0.05 * Math.sin(2 * Math.PI * 6100 * i / SR) + 0.05 * (r.nextDouble() * 2 - 1);
            double q = i / (double) n;
            if (q >= 0.25 && q < 0.5) {
                v = 0;
            } else if (q >= 0.5 && q < 0.75) {
                v *= 1e-3;
            }
            x[i] = (float) v;
        }
        return x;
    }

    /**
     * The test-only path of audio spec 1.2: reflect padding, a direct double-precision DFT of each frame
     * and its own Slaney filterbank, written from the definitions without sharing code with main.
     */
    static final class DirectLogMel {

        static double[][] compute(float[] signal) {
            double[] x = new double[Math.max(signal.length, signal.length <= 384 ? N_FFT : 0)];
            for (int i = 0; i < signal.length; i++) {
                x[i] = signal[i];
            }
            int pad = (N_FFT - HOP) / 2;
            int t = x.length;
            double[] padded = new double[t + 2 * pad];
            for (int i = 0; i < padded.length; i++) {
                int j = i - pad;
                if (j < 0) {
                    j = -j;
                } else if (j >= t) {
                    j = 2 * (t - 1) - j;
                }
                padded[i] = x[j];
            }
            int frames = (padded.length - N_FFT) / HOP + 1;
            double[] cos = new double[N_FFT];
            double[] sin = new double[N_FFT];
            double[] w = new double[N_FFT];
            for (int n = 0; n < N_FFT; n++) {
                cos[n] = Math.cos(2 * Math.PI * n / N_FFT);
                sin[n] = Math.sin(2 * Math.PI * n / N_FFT);
                w[n] = 0.5 - 0.5 * cos[n];
            }
            double[][] fb = filterbank();
            double[][] out = new double[frames][80];
            double[] frame = new double[N_FFT];
            double[] mag = new double[N_FFT / 2 + 1];
            for (int f = 0; f < frames; f++) {
                for (int n = 0; n < N_FFT; n++) {
                    frame[n] = w[n] * padded[f * HOP + n];
                }
                for (int k = 0; k <= N_FFT / 2; k++) {
                    double re = 0;
                    double im = 0;
                    for (int n = 0; n < N_FFT; n++) {
                        int idx = (k * n) & (N_FFT - 1);
                        re += frame[n] * cos[idx];
                        im -= frame[n] * sin[idx];
                    }
                    mag[k] = Math.sqrt(re * re + im * im + 1e-9);
                }
                for (int m = 0; m < 80; m++) {
                    double s = 0;
                    for (int k = 0; k < mag.length; k++) {
                        s += fb[m][k] * mag[k];
                    }
                    out[f][m] = Math.log(Math.max(s, 1e-5));
                }
            }
            return out;
        }

        /** librosa's construction: ramps between mel points, lower and upper slopes, Slaney area norm. */
        static double[][] filterbank() {
            double fsp = 200.0 / 3;
            double logstep = Math.log(6.4) / 27;
            double maxMel = 1000 / fsp + Math.log(8000.0 / 1000) / logstep;
            double[] hz = new double[82];
            for (int i = 0; i < 82; i++) {
                double mel = maxMel * i / 81;
                hz[i] = mel >= 15 ? 1000 * Math.exp(logstep * (mel - 15)) : fsp * mel;
            }
            double[][] fb = new double[80][N_FFT / 2 + 1];
            for (int i = 0; i < 80; i++) {
                for (int k = 0; k <= N_FFT / 2; k++) {
                    double f = (double) k * SR / N_FFT;
                    double lower = (f - hz[i]) / (hz[i + 1] - hz[i]);
                    double upper = (hz[i + 2] - f) / (hz[i + 2] - hz[i + 1]);
                    fb[i][k] = Math.max(0, Math.min(lower, upper)) * 2 / (hz[i + 2] - hz[i]);
                }
            }
            return fb;
        }
    }
}

package dev.tessera.audio.cqt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import be.tarsos.dsp.ConstantQ;
import dev.tessera.audio.resample.KaiserSinc;
import dev.tessera.core.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConstantQTransformTest {

    private static final int SR = 44_100;
    /** TarsosDSP's FFT frame for B = 24 and our test buffer length. */
    private static final int N = 65_536;
    private static final int B = 24;
    private static final ConstantQTransform CQT = new ConstantQTransform(512, B);

    @BeforeAll
    static void engine() {
        Engines.start();
    }

    @Test
    void kernelsMatchTheSpecTableForTheThreeScales() {
        double[][] expected = { // Q, top bin Hz, shortest and longest kernel, n_fft
            {34.13, 16_266, 93, 180, 256}, {51.44, 16_423, 139, 271, 512}, {68.75, 16_502, 184, 363, 512}};
        for (int s = 0; s < 3; s++) {
            ConstantQTransform t = CqtScale.MS_SB_CQTD.get(s).transform();
            int[] l = t.kernelLengths();
            double[] f = t.frequencies();
            assertEquals(expected[s][0], t.q(), 0.005);
            assertEquals(expected[s][1], f[f.length - 1], 0.5);
            assertEquals(expected[s][2], l[l.length - 1]);
            assertEquals(expected[s][3], l[0]);
            assertEquals(expected[s][4], t.nFft());
            assertEquals(9 * t.binsPerOctave(), t.bins());
        }
    }

    @Test
    void decimatorIsFlatWhereTheNextOctaveLooksAndRejectsWhatWouldAlias() {
        double[] h = ConstantQTransform.decimatorTaps();
        assertEquals(63, h.length);
        double ripple = 0;
        for (double f = 0; f <= 0.185; f += 0.0005) {
            ripple = Math.max(ripple, Math.abs(20 * Math.log10(KaiserSinc.response(h, f))));
        }
        double leak = 0;
        for (double f = 0.315; f <= 0.5; f += 0.0005) {
            leak = Math.max(leak, KaiserSinc.response(h, f));
        }
        double rejection = -20 * Math.log10(leak);
        System.out.printf("decimator: ripple %.5f dB to 0.185 fs, rejection %.1f dB above 0.315 fs%n", ripple,
                rejection);
        assertTrue(ripple <= 0.001, "ripple " + ripple + " dB");
        assertTrue(rejection >= 84, "rejection " + rejection + " dB");
    }

    /**
     * Tolerance: our peaks sit within 0.01 dB of A/4 (measured 0.001 dB). TarsosDSP's kernel for bin b
     * oscillates at Q·fs/len_b, not at f_b (len_b = ⌈Q·fs/f_b⌉ is rounded up), which puts a sine at f_b up
     * to 0.37 of a kernel bandwidth off centre in the top octave; its Hann response then loses up to
     * 0.65 dB there (0.17 dB one octave down, under 0.04 dB below). We check that TarsosDSP's figure is
     * exactly that analytic loss (within 0.02 dB), and bound ours against TarsosDSP by 0.5 dB in octaves
     * 2–7 (the spec's figure) and 0.7 dB in the top octave.
     */
    @Test
    void sinesAtBinCentresPeakAtTheirBinWithTheLevelOfTarsosConstantQ() {
        ConstantQ tarsos = tarsos();
        assertEquals(N, tarsos.getFFTlength());
        assertEquals(216, tarsos.getNumberOfOutputBands());
        float[] tarsosFreqs = tarsos.getFreqencies();
        double[] freqs = CQT.frequencies();
        // Signal k holds one sine per octave 2..8 (counted from 32.70 Hz), at in-octave bin k: seven
        // octaves apart, their kernels' responses to each other are below −100 dB, and one signal serves
        // seven bins.
        float[] batch = new float[B * N];
        for (int k = 0; k < B; k++) {
            for (int o = 2; o < 9; o++) {
                double f = freqs[o * B + k];
                for (int n = 0; n < N; n++) {
                    batch[k * N + n] += (float) (0.5 * Math.sin(2 * Math.PI * f * n / SR + 0.1 * o + 0.3 * k));
                }
            }
        }
        float[][] ours = centreFrameMagnitudes(batch, B, N / 2);
        double worstOurs = 0;
        double worstTarsosVsItsKernel = 0;
        double[] worstBetween = new double[9];
        for (int k = 0; k < B; k++) {
            float[] buffer = new float[N];
            System.arraycopy(batch, k * N, buffer, 0, N);
            tarsos.calculateMagintudes(buffer);
            float[] theirs = tarsos.getMagnitudes();
            for (int o = 2; o < 9; o++) {
                int bin = o * B + k;
                assertEquals(bin, o * B + argMax(ours[k], o * B, (o + 1) * B), "our peak for the sine at bin " + bin);
                assertEquals(bin, o * B + argMax(theirs, o * B, (o + 1) * B), "TarsosDSP's peak, sine at bin " + bin);
                double oursDb = 20 * Math.log10(ours[k][bin] / 0.125);
                double theirsDb = 20 * Math.log10(theirs[bin] / 0.125);
                double kernelDb = 20 * Math.log10(tarsosKernelResponse(freqs[bin], tarsosLength(tarsosFreqs[bin])));
                worstOurs = Math.max(worstOurs, Math.abs(oursDb));
                worstTarsosVsItsKernel = Math.max(worstTarsosVsItsKernel, Math.abs(theirsDb - kernelDb));
                worstBetween[o] = Math.max(worstBetween[o], Math.abs(oursDb - theirsDb));
            }
        }
        System.out.printf("CQT sine peaks: ours max |dev| from A/4 %.4f dB; TarsosDSP vs its kernel's analytic"
                + " response %.4f dB; ours vs TarsosDSP per octave 2..8 (dB):", worstOurs, worstTarsosVsItsKernel);
        for (int o = 2; o < 9; o++) {
            System.out.printf(" %.3f", worstBetween[o]);
        }
        System.out.println();
        assertTrue(worstOurs <= 0.01, "ours " + worstOurs + " dB");
        assertTrue(worstTarsosVsItsKernel <= 0.02, "TarsosDSP vs its kernel " + worstTarsosVsItsKernel + " dB");
        for (int o = 2; o < 8; o++) {
            assertTrue(worstBetween[o] <= 0.5, "octave " + o + ": " + worstBetween[o] + " dB");
        }
        assertTrue(worstBetween[8] <= 0.7, "top octave: " + worstBetween[8] + " dB");
    }

    /**
     * A 110 Hz harmonic complex puts several harmonics into each bin above ~2 kHz, and their sum beats at
     * 110 Hz, so "stationary" holds only if both transforms look at the same instant. TarsosDSP's kernels
     * are left-aligned in its frame, so for each bin we hand it the buffer whose kernel centre falls on
     * the centre of our frame.
     */
    @Test
    void harmonicComplexHasTheSameDecibelProfileAsTarsos() {
        SplittableRandom r = new SplittableRandom(110);
        float[] x = new float[2 * N];
        for (int h = 1; 110 * h < 16_000; h++) {
            double phase = r.nextDouble() * 2 * Math.PI;
            for (int n = 0; n < x.length; n++) {
                x[n] += (float) (0.3 / h * Math.sin(2 * Math.PI * 110 * h * n / SR + phase));
            }
        }
        int centre = N; // frame N/512 of ours
        float[] ours = centreFrameMagnitudes(x.clone(), 1, centre)[0];
        double max = 0;
        for (float v : ours) {
            max = Math.max(max, v);
        }
        ConstantQ tarsos = tarsos();
        float[] tarsosFreqs = tarsos.getFreqencies();
        int[] lengths = CQT.kernelLengths();
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        int n = 0;
        for (int b = 0; b < ours.length; b++) {
            if (ours[b] < max * 0.01) {
                continue; // more than 40 dB below the maximum
            }
            // Our window peaks half a sample (at the octave's rate) early when its length is odd.
            int octaveFromTop = 8 - b / B;
            double ourPeak = centre - (lengths[b % B] % 2 == 1 ? 0.5 * (1 << octaveFromTop) : 0);
            int start = (int) Math.round(ourPeak - tarsosLength(tarsosFreqs[b]) / 2.0);
            float[] buffer = new float[N];
            System.arraycopy(x, start, buffer, 0, N);
            tarsos.calculateMagintudes(buffer);
            double a = 20 * Math.log10(ours[b]);
            double c = 20 * Math.log10(tarsos.getMagnitudes()[b]);
            sa += a;
            sb += c;
            saa += a * a;
            sbb += c * c;
            sab += a * c;
            n++;
        }
        double corr = (sab - sa * sb / n) / Math.sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
        System.out.printf("110 Hz harmonic complex: dB-profile correlation with TarsosDSP %.4f over %d bins%n",
                corr, n);
        assertTrue(corr >= 0.99, "correlation " + corr);
    }

    /**
     * White noise of variance σ² gives E|C|² = σ²·Σ(Hann/l)² = σ²·3/(8l) per bin. TarsosDSP's single frame
     * gives one exponentially distributed value per bin, so it is averaged over overlapping buffers.
     */
    @Test
    void whiteNoiseHasTheSamePowerPerOctaveAsTarsos() {
        int length = 6 * N;
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1) * 0.5f; // σ² = 1/12
        }
        ConstantQ tarsos = tarsos();
        double[] theirs = new double[9];
        int buffers = 0;
        for (int start = 0; start + N <= length; start += 8192) {
            float[] buf = new float[N];
            System.arraycopy(x, start, buf, 0, N);
            tarsos.calculateMagintudes(buf);
            float[] m = tarsos.getMagnitudes();
            for (int b = 0; b < m.length; b++) {
                theirs[b / B] += (double) m[b] * m[b];
            }
            buffers++;
        }
        double[] ours = new double[9];
        double[] analytic = new double[9];
        int[] l = CQT.kernelLengths();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = CQT.forward(m.create(x, new Shape(1, x.length)));
            int frames = (int) c.getShape().get(2);
            // Frames whose longest kernel (46,080 samples) lies inside the signal.
            int from = 24_000 / 512 + 1;
            int to = frames - 24_000 / 512 - 2;
            float[] p = c.get(":, :, " + from + ":" + to + ", :").square().sum(new int[] {0, 1}).toFloatArray();
            for (int i = 0; i < p.length; i++) {
                ours[(i % 216) / B] += p[i] / (to - from);
            }
        }
        double worst = 0;
        double worstAnalytic = 0;
        StringBuilder s = new StringBuilder();
        for (int o = 0; o < 9; o++) {
            for (int k = 0; k < B; k++) {
                analytic[o] += (1 / 12.0) * 3 / (8.0 * l[k] * (1 << (8 - o)));
            }
            double d = 10 * Math.log10(ours[o] / (theirs[o] / buffers));
            s.append(String.format(" %+.2f", d));
            worst = Math.max(worst, Math.abs(d));
            worstAnalytic = Math.max(worstAnalytic, Math.abs(10 * Math.log10(ours[o] / analytic[o])));
        }
        System.out.printf("white noise, per-octave power ours/TarsosDSP (dB, %d buffers):%s; ours vs σ²·3/(8l):"
                + " max %.2f dB%n", buffers, s, worstAnalytic);
        assertTrue(worst <= 1.0, "per-octave power differs by up to " + worst + " dB:" + s);
        // The lowest octave's 1-s kernels see only ~8 independent stretches of this 9-s signal: ±1 dB.
        assertTrue(worstAnalytic <= 1.0, "ours vs analytic " + worstAnalytic + " dB");
    }

    @Test
    void aClickPeaksInTheSameFrameInEveryOctave() {
        int length = 2 * N;
        int at = 64 * 512;
        float[] x = new float[length];
        x[at] = 1f;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = CQT.forward(m.create(x, new Shape(1, length)));
            assertEquals(new Shape(1, 2, length / 512 + 1, 216), c.getShape());
            NDArray mag = c.square().sum(new int[] {1}).get(0); // (frames, 216)
            for (int o = 0; o < 9; o++) {
                NDArray octave = mag.get(":, " + (o * B) + ":" + ((o + 1) * B)).sum(new int[] {1});
                assertEquals(64, octave.argMax().getLong(), "octave " + o);
            }
            // Every bin, not just every octave.
            long[] peaks = mag.argMax(0).toLongArray();
            for (int b = 0; b < peaks.length; b++) {
                assertEquals(64, peaks[b], "bin " + b);
            }
        }
    }

    @Test
    void framesCountFromTheHopForAnyLengthAndGradientsReachTheWaveform() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int t : new int[] {5_000, 44_100, 44_544}) {
                NDArray c = CQT.forward(m.randomNormal(new Shape(2, t)));
                assertEquals(new Shape(2, 2, t / 512 + 1, 216), c.getShape(), "T = " + t);
            }
            NDArray x = m.randomNormal(new Shape(1, 8192));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(CQT.librosaScale(CQT.forward(x)).square().mean());
            }
            float norm = x.getGradient().square().sum().getFloat();
            assertTrue(norm > 0 && Float.isFinite(norm), "gradient norm " + norm);
        }
    }

    @Test
    void multiScaleFrontEndUpsamplesOnceAndGivesThreeScales() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList out = MultiScaleCqt.msSbCqtd().forward(m.randomNormal(new Shape(2, 22_050)).mul(0.1));
            assertEquals(3, out.size());
            assertEquals(new Shape(2, 2, 87, 216), out.get(0).getShape());
            assertEquals(new Shape(2, 2, 173, 324), out.get(1).getShape());
            assertEquals(new Shape(2, 2, 173, 432), out.get(2).getShape());
        }
        int[] l = CQT.kernelLengths();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ones = m.ones(new Shape(1, 2, 1, 216));
            float[] g = CQT.librosaScale(ones).toFloatArray();
            assertEquals(2 * Math.sqrt(l[0]), g[0], 1e-4);
            assertEquals(2 * Math.sqrt(l[B - 1]), g[215], 1e-4);
            assertArrayEquals(new float[] {g[0]}, new float[] {g[B]}, 0f);
        }
    }

    private static ConstantQ tarsos;

    /** One TarsosDSP instance for the class: building its 216 kernels takes a fraction of a second. */
    private static synchronized ConstantQ tarsos() {
        if (tarsos == null) {
            float maxFreq = (float) (ConstantQTransform.F_MIN * Math.pow(2, 9 - 1.0 / (2 * B)));
            tarsos = new ConstantQ(SR, (float) ConstantQTransform.F_MIN, maxFreq, B);
        }
        return tarsos;
    }

    /** TarsosDSP's kernel length for a bin: ⌈Q·fs/f⌉ with its float frequency. */
    private static int tarsosLength(float frequency) {
        double q = 1.0 / (Math.pow(2, 1.0 / B) - 1.0);
        return (int) Math.min(Math.ceil(q * SR / frequency), N);
    }

    /**
     * |C|/(A/4) that TarsosDSP's kernel Hann(len)/len·e^(2πi·Q·n/len) gives a sine at {@code hz}: the Hann
     * response at the offset between the sine and the kernel's own frequency Q·fs/len.
     */
    private static double tarsosKernelResponse(double hz, int len) {
        double q = 1.0 / (Math.pow(2, 1.0 / B) - 1.0);
        double dw = 2 * Math.PI * hz / SR - 2 * Math.PI * q / len;
        double re = 0;
        double im = 0;
        for (int j = 0; j < len; j++) {
            double w = (0.5 - 0.5 * Math.cos(2 * Math.PI * j / len)) / len;
            re += w * Math.cos(dw * j);
            im += w * Math.sin(dw * j);
        }
        return Math.hypot(re, im) / 0.5;
    }

    /** |C| at the frame centred on sample {@code centre} for each of {@code count} equal-length signals. */
    private static float[][] centreFrameMagnitudes(float[] batch, int count, int centre) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = CQT.forward(m.create(batch, new Shape(count, batch.length / count)));
            float[] flat = c.get(":, :, " + (centre / 512) + ", :").square().sum(new int[] {1}).sqrt().toFloatArray();
            float[][] out = new float[count][216];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * 216, out[i], 0, 216);
            }
            return out;
        }
    }

    /** Index, relative to {@code from}, of the largest of v[from..to). */
    private static int argMax(float[] v, int from, int to) {
        int best = from;
        for (int i = from + 1; i < to; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best - from;
    }
}

package dev.tessera.audio.discriminator;

import java.util.SplittableRandom;

/**
 * Test audio at 22,050 Hz: harmonic tones with known pitch (real) and corrupted copies of the same tones
 * (generated), drawn from a seeded generator.
 *
 * <p>A tone: f0 log-uniform in 100–400 Hz, partials k·f0 below 8 kHz with amplitude 1/k and random phase,
 * scaled to a peak drawn in 0.3–0.8. Corruptions keep f0, partials, phases and peak, and change one thing.
 */
final class HarmonicTones {

    static final int SAMPLE_RATE = 22_050;

    enum Corruption {
        /** White noise added at a given signal-to-noise ratio (dB, relative to the tone's mean power). */
        BROADBAND_NOISE,
        /**
         * Each partial's phase random-walks by {@value #PHASE_STEP} rad per sample: every line of the comb
         * broadens to about 35 Hz (Lorentzian FWHM = step²·fs/2π), with no noise floor added.
         */
        PHASE_NOISE,
        /**
         * Cycle-to-cycle jitter: each period of the fundamental gets its own f0, off by a Gaussian
         * {@value #JITTER} (relative standard deviation), as in a rough voice. A slow drift would not do:
         * it is just another tone.
         */
        PITCH_JITTER
    }

    static final double PHASE_STEP = 0.1;
    static final double JITTER = 0.02;

    /** A batch of real tones and their corrupted copies, each (batch × samples), row-major. */
    record Batch(float[] real, float[] fake, int batch, int samples) {
    }

    private HarmonicTones() {
    }

    /**
     * @param snrDb signal-to-noise ratio of {@link Corruption#BROADBAND_NOISE}, dB (ignored by the others)
     */
    static Batch draw(SplittableRandom random, int batch, int samples, Corruption corruption, double snrDb) {
        float[] real = new float[batch * samples];
        float[] fake = new float[batch * samples];
        for (int b = 0; b < batch; b++) {
            double f0 = 100 * Math.pow(4, random.nextDouble());
            double peak = 0.3 + 0.5 * random.nextDouble();
            int partials = (int) Math.floor(8000 / f0);
            double[] phase = new double[partials];
            for (int k = 0; k < partials; k++) {
                phase[k] = 2 * Math.PI * random.nextDouble();
            }
            double[] x = tone(f0, phase, samples, null, null);
            double[] y;
            switch (corruption) {
                case BROADBAND_NOISE -> {
                    y = x.clone();
                    double power = 0;
                    for (double v : x) {
                        power += v * v;
                    }
                    double sigma = Math.sqrt(power / samples / Math.pow(10, snrDb / 10));
                    for (int i = 0; i < samples; i++) {
                        y[i] += sigma * gaussian(random);
                    }
                }
                case PHASE_NOISE -> {
                    double[][] walk = new double[partials][samples];
                    for (int k = 0; k < partials; k++) {
                        double p = 0;
                        for (int i = 0; i < samples; i++) {
                            p += PHASE_STEP * gaussian(random);
                            walk[k][i] = p;
                        }
                    }
                    y = tone(f0, phase, samples, walk, null);
                }
                case PITCH_JITTER -> {
                    double[] ratio = new double[samples];
                    double cycle = 0; // phase of the fundamental, in periods
                    double r = 1 + JITTER * gaussian(random);
                    for (int i = 0; i < samples; i++) {
                        ratio[i] = r;
                        double next = cycle + r * f0 / SAMPLE_RATE;
                        if (Math.floor(next) > Math.floor(cycle)) {
                            r = 1 + JITTER * gaussian(random); // a new period starts
                        }
                        cycle = next;
                    }
                    y = tone(f0, phase, samples, null, ratio);
                }
                default -> throw new IllegalArgumentException(corruption.name());
            }
            double scale = peak / max(x);
            for (int i = 0; i < samples; i++) {
                real[b * samples + i] = (float) (scale * x[i]);
                fake[b * samples + i] = (float) (scale * y[i]);
            }
        }
        return new Batch(real, fake, batch, samples);
    }

    /**
     * Σ_k sin(φ_k(n))/k with φ_k advancing by 2π·k·f0·ratio(n)/fs per sample, plus a phase walk per partial.
     */
    private static double[] tone(double f0, double[] phase, int samples, double[][] walk, double[] ratio) {
        double[] x = new double[samples];
        for (int k = 0; k < phase.length; k++) {
            double omega = 2 * Math.PI * (k + 1) * f0 / SAMPLE_RATE;
            double p = phase[k];
            for (int i = 0; i < samples; i++) {
                x[i] += Math.sin(p + (walk == null ? 0 : walk[k][i])) / (k + 1);
                p += omega * (ratio == null ? 1 : ratio[i]);
            }
        }
        return x;
    }

    private static double max(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}

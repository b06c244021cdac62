package dev.tessera.audio.metrics;

import be.tarsos.dsp.pitch.PitchDetectionResult;
import be.tarsos.dsp.pitch.Yin;

/**
 * F0, voicing and periodicity per mel frame (audio spec 6.3), with TarsosDSP's YIN at 22,050 Hz on
 * 1024-sample frames (threshold 0.15, lags below 512, so f ≥ 43 Hz).
 *
 * <p>Framing repeats the mel front end's in plain Java: inputs of 384 samples or fewer are zero-extended
 * to 1024, then 384 samples are reflected on each side and frame t starts at sample 256t of the padded
 * signal, giving ⌊T/256⌋ frames.
 */
public final class PitchTracker {

    public static final int SAMPLE_RATE = 22_050;
    public static final int FRAME = 1024;
    public static final int HOP = 256;
    public static final double YIN_THRESHOLD = 0.15;
    /** Periodicity looks at lags 40..441: 550 Hz down to 50 Hz. */
    public static final int MIN_LAG = 40;
    public static final int MAX_LAG = 441;

    private static final int PAD = (FRAME - HOP) / 2;

    /** Analyses a mono 22,050 Hz signal. Each call makes its own YIN (it keeps buffers), so trackers can be shared. */
    public PitchTrack track(float[] audio) {
        float[] padded = pad(audio);
        int frames = (padded.length - FRAME) / HOP + 1;
        Yin yin = new Yin(SAMPLE_RATE, FRAME, YIN_THRESHOLD);
        float[] f0 = new float[frames];
        boolean[] pitched = new boolean[frames];
        float[] probability = new float[frames];
        double[] rms = new double[frames];
        double[] periodicity = new double[frames];
        float[] frame = new float[FRAME];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(padded, t * HOP, frame, 0, FRAME);
            PitchDetectionResult r = yin.getPitch(frame); // reused by YIN: copy the fields out now
            f0[t] = r.getPitch();
            pitched[t] = r.isPitched();
            probability[t] = r.getProbability();
            double s = 0;
            for (float v : frame) {
                s += (double) v * v;
            }
            rms[t] = Math.sqrt(s / FRAME);
            double[] d = normalizedDifference(frame);
            double min = Double.MAX_VALUE;
            for (int tau = MIN_LAG; tau <= MAX_LAG; tau++) {
                min = Math.min(min, d[tau]);
            }
            periodicity[t] = Math.max(0, Math.min(1, 1 - min));
        }
        return new PitchTrack(f0, pitched, probability, rms, periodicity);
    }

    /**
     * YIN's cumulative-mean-normalised difference d′(τ) for τ < 512, exactly as TarsosDSP defines it but in
     * double precision: d(τ) = Σ_{j<512} (x_j − x_{j+τ})², d′(0) = 1, d′(τ) = d(τ)·τ / Σ_{k=1..τ} d(k).
     */
    public static double[] normalizedDifference(float[] frame) {
        int half = FRAME / 2;
        double[] d = new double[half];
        for (int tau = 1; tau < half; tau++) {
            double s = 0;
            for (int j = 0; j < half; j++) {
                double delta = (double) frame[j] - frame[j + tau];
                s += delta * delta;
            }
            d[tau] = s;
        }
        d[0] = 1;
        double running = 0;
        for (int tau = 1; tau < half; tau++) {
            running += d[tau];
            d[tau] = running == 0 ? 1 : d[tau] * tau / running;
        }
        return d;
    }

    static float[] pad(float[] audio) {
        float[] x = audio.length <= PAD ? java.util.Arrays.copyOf(audio, FRAME) : audio;
        int t = x.length;
        float[] padded = new float[t + 2 * PAD];
        for (int i = 0; i < padded.length; i++) {
            int j = i - PAD;
            padded[i] = x[j < 0 ? -j : (j >= t ? 2 * (t - 1) - j : j)];
        }
        return padded;
    }
}

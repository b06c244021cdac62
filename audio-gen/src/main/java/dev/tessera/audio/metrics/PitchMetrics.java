package dev.tessera.audio.metrics;

/**
 * F0 RMSE in cents, voiced/unvoiced F1 and periodicity error (audio spec 6.3), from {@link PitchTracker}
 * tracks of the reference and the output.
 *
 * <p>A frame is voiced if YIN finds a pitch, the pitch lies in 50–550 Hz, and the frame's RMS is within
 * 40 dB of the reference's loudest frame; the same absolute loudness gate applies to both signals.
 */
public final class PitchMetrics {

    public static final double MIN_F0 = 50;
    public static final double MAX_F0 = 550;
    public static final double GATE_DB = 40;

    private PitchMetrics() {
    }

    /** Compares two mono 22,050 Hz signals; the output is cropped to the reference's frame count. */
    public static PitchScores compare(float[] reference, float[] output) {
        PitchTracker tracker = new PitchTracker();
        return compare(tracker.track(reference), tracker.track(output));
    }

    public static PitchScores compare(PitchTrack ref, PitchTrack out) {
        int frames = Math.min(ref.frames(), out.frames());
        double gate = ref.maxRms() * Math.pow(10, -GATE_DB / 20);
        double sumSq = 0;
        int both = 0;
        int tp = 0;
        int fp = 0;
        int fn = 0;
        double periodicSq = 0;
        int loud = 0;
        for (int t = 0; t < frames; t++) {
            boolean r = voiced(ref, t, gate);
            boolean o = voiced(out, t, gate);
            if (r && o) {
                double cents = 1200 * Math.log(out.f0Hz()[t] / (double) ref.f0Hz()[t]) / Math.log(2);
                sumSq += cents * cents;
                both++;
                tp++;
            } else if (o) {
                fp++;
            } else if (r) {
                fn++;
            }
            if (ref.rms()[t] >= gate && gate > 0) {
                double d = out.periodicity()[t] - ref.periodicity()[t];
                periodicSq += d * d;
                loud++;
            }
        }
        double rmse = both == 0 ? Double.NaN : Math.sqrt(sumSq / both);
        double f1 = tp + fp + fn == 0 ? 1 : 2.0 * tp / (2.0 * tp + fp + fn);
        double periodicity = loud == 0 ? 0 : Math.sqrt(periodicSq / loud);
        return new PitchScores(rmse, f1, periodicity, both, frames);
    }

    static boolean voiced(PitchTrack track, int t, double gate) {
        float f = track.f0Hz()[t];
        return track.pitched()[t] && f >= MIN_F0 && f <= MAX_F0 && track.rms()[t] >= gate && gate > 0;
    }
}

package dev.tessera.audio.metrics;

import io.vertx.core.json.JsonObject;

/**
 * Sums of one vocoding system's scores over utterances (M-STFT, log-mel L1, F0 RMSE over the clips with
 * frames voiced in both, V/UV F1, periodicity error, compute seconds), and their means: what
 * {@code tessera eval vocoder} and {@code VocoderEvalMain} report per system.
 */
public final class VocoderScores {

    private double mstft;
    private double melL1;
    private double f0Cents;
    private int f0Clips;
    private double vuvF1;
    private double periodicity;
    private double seconds;
    private int clips;

    /** Scores one utterance: the reference audio, the system's output and its compute time. */
    public void add(float[] reference, float[] output, double computeSeconds) {
        mstft += new MultiResolutionStftDistance().distance(reference, output);
        melL1 += new LogMelDistance().distance(reference, output);
        PitchScores p = PitchMetrics.compare(reference, output);
        if (Double.isFinite(p.f0RmseCents())) {
            f0Cents += p.f0RmseCents();
            f0Clips++;
        }
        vuvF1 += p.vuvF1();
        periodicity += p.periodicityError();
        seconds += computeSeconds;
        clips++;
    }

    public int clips() {
        return clips;
    }

    public double mstft() {
        return mstft / Math.max(1, clips);
    }

    public double melL1() {
        return melL1 / Math.max(1, clips);
    }

    /** Mean F0 RMSE in cents over the clips voiced in both signals, or null when there were none. */
    public Double f0RmseCents() {
        return f0Clips > 0 ? f0Cents / f0Clips : null;
    }

    public double vuvF1() {
        return vuvF1 / Math.max(1, clips);
    }

    public double periodicityError() {
        return periodicity / Math.max(1, clips);
    }

    /** Compute seconds / audio seconds. */
    public double rtf(double audioSeconds) {
        return seconds / audioSeconds;
    }

    public JsonObject toJson(double audioSeconds) {
        Double f0 = f0RmseCents();
        return new JsonObject().put("mstft", mstft()).put("mel_l1", melL1())
                .put("f0_rmse_cents", f0 == null ? Double.NaN : f0).put("vuv_f1", vuvF1())
                .put("periodicity_error", periodicityError()).put("rtf", rtf(audioSeconds)).put("clips", clips);
    }
}

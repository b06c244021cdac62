package dev.tessera.audio.metrics;

/**
 * Pitch and voicing agreement between an output and its reference (audio spec 6.3).
 *
 * @param f0RmseCents sqrt(mean((1200·log2(f_out/f_ref))²)) over frames voiced in both; NaN if there are none
 * @param vuvF1 F1 of the output's voiced/unvoiced decisions, the reference as truth (1 if neither has a
 *     voiced frame)
 * @param periodicityError RMSE of π_out − π_ref over frames whose reference RMS passes the loudness gate
 * @param framesVoicedInBoth frames the F0 RMSE averages over
 * @param frames frames compared
 */
public record PitchScores(double f0RmseCents, double vuvF1, double periodicityError, int framesVoicedInBoth,
        int frames) {
}
